package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

import io.pgferry.error.ErrorCode;

/**
 * A copy request with every reference resolved and every value checked: what {@code CopyRunner} executes.
 *
 * @param runId this copy's id, which {@code @pipeline().RunId} also gives
 * @param parallelCopies how many slices (connections and threads) may read at once; 1 reads in one stream
 * @param validateDataConsistency ADF's setting: every committed file is checked against what was written (size and
 *        MD5) before the copy succeeds
 * @param projection the columns written: the source's, or those the activity maps and adds
 * @param incremental pgferry's incremental copy of a table, when asked for
 * @param fanOut pgferry's fan-out of the copy's slices across instances, when asked for
 * @param pointers where in the request each part an error may be about was given (the query or table, the
 *        connection, the partition settings, the sink's connection and location), for errors found while copying
 */
public record CopyJob(
        String runId,
        String activityName,
        PostgresSource source,
        FileSink sink,
        Projection projection,
        Optional<Incremental> incremental,
        Optional<FanOut> fanOut,
        int parallelCopies,
        boolean validateDataConsistency,
        Map<ErrorCode.Field, String> pointers) {
    public CopyJob {
        requireNonNull(runId, "runId is null");
        requireNonNull(activityName, "activityName is null");
        requireNonNull(source, "source is null");
        requireNonNull(sink, "sink is null");
        requireNonNull(projection, "projection is null");
        requireNonNull(incremental, "incremental is null");
        requireNonNull(fanOut, "fanOut is null");
        pointers = Map.copyOf(pointers);
        if (parallelCopies < 1) {
            throw new IllegalArgumentException("parallelCopies must be positive");
        }
    }
}
