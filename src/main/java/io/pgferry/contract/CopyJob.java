package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * A copy request with every reference resolved and every value checked: what {@code CopyRunner} executes.
 *
 * @param runId this copy's id, which {@code @pipeline().RunId} also gives
 * @param parallelCopies how many slices (connections and threads) may read at once; 1 reads in one stream
 * @param validateDataConsistency ADF's setting: every committed file is checked against what was written (size and
 *        MD5) before the copy succeeds
 */
public record CopyJob(String runId, String activityName, PostgresSource source, FileSink sink, int parallelCopies,
        boolean validateDataConsistency) {
    public CopyJob {
        requireNonNull(runId, "runId is null");
        requireNonNull(activityName, "activityName is null");
        requireNonNull(source, "source is null");
        requireNonNull(sink, "sink is null");
        if (parallelCopies < 1) {
            throw new IllegalArgumentException("parallelCopies must be positive");
        }
    }
}
