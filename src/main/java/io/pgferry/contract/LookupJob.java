package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * A Lookup activity read as it starts: its PostgreSQL source, read-only like every read.
 *
 * @param firstRowOnly {@code firstRowOnly} (ADF's default true): the output holds {@code firstRow}, else
 *     {@code count} and {@code value}
 */
public record LookupJob(String activityName, PostgresSource source, boolean firstRowOnly) {
    /** ADF's limits on what a Lookup returns. */
    public static final int MAX_ROWS = 5000;

    public static final int MAX_BYTES = 4 * 1024 * 1024;

    public LookupJob {
        requireNonNull(activityName, "activityName is null");
        requireNonNull(source, "source is null");
    }
}
