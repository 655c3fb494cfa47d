package io.pgferry.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.PipelineJob;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.WrittenFile;

/**
 * A pipeline run's manifest: every copy of the run with its own manifest, the snapshot it read in and its files (rows,
 * bytes, MD5), and the totals. Written once the run has succeeded, after every copy's own manifest.
 */
final class PipelineManifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineManifest() {}

    /** One copy the run committed. */
    record Copied(String activityName, String activityRunId, Optional<String> snapshot, RunStatistics statistics) {}

    static byte[] write(PipelineJob job, Instant start, Instant end, List<Copied> copies) {
        ObjectNode manifest = JSON.createObjectNode()
                .put("manifestVersion", 1)
                .put("runId", job.runId())
                .put("pipeline", job.name())
                .put("status", "Succeeded")
                .put("startedAt", start.toString())
                .put("endedAt", end.toString());
        ArrayNode list = manifest.putArray("copies");
        long files = 0;
        long rows = 0;
        long bytes = 0;
        for (Copied copy : copies) {
            RunStatistics statistics = copy.statistics();
            ObjectNode entry = list.addObject()
                    .put("activity", copy.activityName())
                    .put("activityRunId", copy.activityRunId())
                    .put("snapshot", copy.snapshot().orElse(null))
                    .put("manifest", statistics.manifest())
                    .put("rows", statistics.rowsCopied());
            ArrayNode written = entry.putArray("files");
            for (WrittenFile file : statistics.files()) {
                ObjectNode one = written.addObject()
                        .put("path", file.path())
                        .put("rows", file.rows())
                        .put("bytes", file.bytes());
                if (file.md5() != null) {
                    one.put("md5", file.md5());
                }
            }
            files += statistics.files().size();
            rows += statistics.rowsCopied();
            bytes += statistics.dataWritten();
        }
        manifest.putObject("totals")
                .put("copies", copies.size())
                .put("files", files)
                .put("rows", rows)
                .put("bytes", bytes);
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a pipeline manifest", e);
        }
    }
}
