package io.pgferry.copy;

import java.nio.file.Path;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.SinkFormat;
import io.pgferry.payload.PayloadReader;
import io.pgferry.payload.SinkChecks;
import io.pgferry.sink.blob.BlobContainers;

/** The README's sample copy ({@code examples/copy-orders.json}) as the payload reader makes it, and variants of it. */
final class CopyJobs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CopyJobs() {}

    /** The sample copy with run id {@code run-7}; its secrets are {@code pgferry-sample} and the Azurite key. */
    static CopyJob sample() {
        try {
            JsonNode payload =
                    JSON.readTree(Path.of("examples/copy-orders.json").toFile());
            ((ObjectNode) payload).put("runId", "run-7");
            return new PayloadReader(new SinkChecks(BlobContainers::connectionStringProblem, host -> Optional.empty()))
                    .read(payload);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The sample copy of the dataset's table {@code public.Orders} instead of its query. */
    static CopyJob sampleOfTable() {
        try {
            ObjectNode payload = (ObjectNode)
                    JSON.readTree(Path.of("examples/copy-orders.json").toFile());
            payload.put("runId", "run-7");
            payload.withObject("/activity/typeProperties/source").remove("query");
            return new PayloadReader(new SinkChecks(BlobContainers::connectionStringProblem, host -> Optional.empty()))
                    .read(payload);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static CopyJob withSink(CopyJob job, FileSink sink, boolean validate) {
        return new CopyJob(
                job.runId(),
                job.activityName(),
                job.source(),
                sink,
                job.projection(),
                job.incremental(),
                job.fanOut(),
                job.parallelCopies(),
                validate,
                job.pointers());
    }

    static CopyJob withFormat(CopyJob job, SinkFormat format) {
        FileSink sink = job.sink();
        return withSink(
                job,
                new FileSink(
                        sink.destination(),
                        sink.location(),
                        format,
                        sink.compression(),
                        sink.naming(),
                        sink.blocks(),
                        sink.metadata(),
                        sink.manifestName()),
                job.validateDataConsistency());
    }

    static CopyJob withManifest(CopyJob job, Optional<String> manifestName, boolean validate) {
        FileSink sink = job.sink();
        return withSink(
                job,
                new FileSink(
                        sink.destination(),
                        sink.location(),
                        sink.format(),
                        sink.compression(),
                        sink.naming(),
                        sink.blocks(),
                        sink.metadata(),
                        manifestName),
                validate);
    }
}
