package io.pgferry.pipeline;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.pgferry.contract.PipelineJob;
import io.pgferry.contract.PipelineRunOutput;
import io.pgferry.copy.CopyRunner;
import io.pgferry.copy.RunControl;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.functionstorage.PipelineManifests;
import io.pgferry.functionstorage.Watermarks;
import io.pgferry.source.postgres.PostgresPools;
import io.pgferry.source.postgres.SharedSnapshots;

/**
 * Runs a pipeline: its activities in {@code dependsOn} order (one after another; an activity whose conditions are
 * not met is {@code Skipped}), a ForEach's iterations one by one or {@code batchCount} at a time, every read of a
 * database in the run's one snapshot ({@link SharedSnapshots}). The run fails when an activity fails and no activity
 * beside it handles that ({@code Failed} or {@code Completed} condition).
 */
@ApplicationScoped
public class PipelineRunner {
    private static final Logger LOG = Logger.getLogger(PipelineRunner.class);
    final CopyRunner copies;
    final PostgresPools pools;
    final ObjectMapper mapper;
    final Watermarks watermarks;
    private final PipelineManifests manifests;

    @Inject
    PipelineRunner(
            CopyRunner copies,
            PostgresPools pools,
            ObjectMapper mapper,
            Watermarks watermarks,
            PipelineManifests manifests) {
        this.copies = copies;
        this.pools = pools;
        this.mapper = mapper;
        this.watermarks = watermarks;
        this.manifests = manifests;
    }

    /** @param control cancels the run (and the copy in flight) when its deadline passes or it is cancelled */
    public PipelineRunOutput run(PipelineJob job, ActivityReader reader, RunControl control) {
        Instant start = Instant.now();
        try (SharedSnapshots snapshots = new SharedSnapshots(pools)) {
            PipelineRun run = new PipelineRun(this, job, reader, control, snapshots);
            boolean succeeded = run.activities(job.activities(), JsonNodeFactory.instance.objectNode(), null, null, "");
            Instant end = Instant.now();
            String manifest = succeeded && !run.copied.isEmpty() ? commitManifest(job, start, end, run.copied) : null;
            LOG.infof(
                    "pipeline %s (%s): %s, %d activity runs, snapshot held %d ms",
                    job.runId(),
                    job.name(),
                    succeeded ? "Succeeded" : "Failed",
                    run.runs.size(),
                    snapshots.ageMillis());
            return new PipelineRunOutput(
                    job.runId(),
                    job.name(),
                    succeeded ? "Succeeded" : "Failed",
                    start.toString(),
                    end.toString(),
                    end.toEpochMilli() - start.toEpochMilli(),
                    snapshots.first().orElse(null),
                    snapshots.first().isPresent() ? snapshots.ageMillis() : null,
                    manifest,
                    run.runs);
        }
    }

    /**
     * Writes the run's manifest in the function's storage, last; without one configured (a local run), the run has
     * none, and says so in the log.
     */
    private String commitManifest(PipelineJob job, Instant start, Instant end, List<PipelineManifest.Copied> copied) {
        try {
            return manifests.commit(job.runId(), PipelineManifest.write(job, start, end, copied));
        } catch (CopyException e) {
            if (e.code() != ErrorCode.RunStoreNotConfigured) {
                throw e;
            }
            LOG.infof("pipeline %s: no manifest, as the function has no storage account configured", job.runId());
            return null;
        }
    }

    /** The status a waiting caller gets: 200 when the run succeeded, else its first activity failure's. */
    public static int httpStatus(PipelineRunOutput output) {
        if (output.status().equals("Succeeded")) {
            return 200;
        }
        return output.activityRuns().stream()
                .filter(run -> run.error() != null && !run.error().errorCode().equals(ErrorCode.ActivityFailed.name()))
                .findFirst()
                .map(run -> ErrorCode.valueOf(run.error().errorCode()).httpStatus())
                .orElse(502);
    }
}
