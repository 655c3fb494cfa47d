package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A Lookup activity read as it starts: its PostgreSQL source, read-only like every read, or the watermark pgferry
 * keeps for an incremental copy's state key ({@code "source": {"type": "PgferryWatermarkSource", "stateKey"}}).
 *
 * @param firstRowOnly {@code firstRowOnly} (ADF's default true): the output holds {@code firstRow}, else
 *     {@code count} and {@code value}
 */
public record LookupJob(
        String activityName, Optional<PostgresSource> source, Optional<String> watermarkKey, boolean firstRowOnly) {
    /** ADF's limits on what a Lookup returns. */
    public static final int MAX_ROWS = 5000;

    public static final int MAX_BYTES = 4 * 1024 * 1024;

    public LookupJob {
        requireNonNull(activityName, "activityName is null");
        if (source.isPresent() == watermarkKey.isPresent()) {
            throw new IllegalArgumentException("a Lookup reads a source or a watermark");
        }
    }
}
