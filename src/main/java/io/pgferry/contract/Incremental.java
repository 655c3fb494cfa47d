package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * pgferry's incremental copy (a source extension, {@code "incremental": {"watermarkColumn", "stateKey"}}): each run
 * copies the table's rows above the last run's watermark and up to the new one, plus the rows that committed late
 * (their transaction was in flight when the last run read), and stores the new watermark once its output is
 * committed.
 *
 * @param stateKey names the watermark in the function's storage
 * @param pointer where the request asked for it
 */
public record Incremental(String column, String stateKey, String pointer) {
    public Incremental {
        requireNonNull(column, "column is null");
        requireNonNull(stateKey, "stateKey is null");
    }
}
