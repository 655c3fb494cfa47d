package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/** A copy request with every reference resolved and every value checked: what {@code CopyRunner} executes. */
public record CopyJob(String activityName, PostgresSource source, FileSink sink) {
    public CopyJob {
        requireNonNull(activityName, "activityName is null");
        requireNonNull(source, "source is null");
        requireNonNull(sink, "sink is null");
    }
}
