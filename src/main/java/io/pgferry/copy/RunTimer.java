package io.pgferry.copy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.Destination;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.RunStatistics.DetailedDurations;
import io.pgferry.contract.RunStatistics.ExecutionDetail;
import io.pgferry.contract.RunStatistics.Profile;
import io.pgferry.contract.RunStatistics.Reading;
import io.pgferry.contract.RunStatistics.Stage;
import io.pgferry.contract.RunStatistics.Transfer;
import io.pgferry.contract.RunStatistics.TransferDetails;
import io.pgferry.contract.RunStatistics.Writing;
import io.pgferry.contract.Watermark;
import io.pgferry.contract.WrittenFile;

/**
 * The moments of one copy, and the ADF-shaped statistics built from them. Reading and writing overlap (blocks upload
 * while rows are read), so both working durations run from the first request to the source to their own end.
 */
final class RunTimer {
    private static final DateTimeFormatter ADF_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final String SOURCE_TYPE = "PostgreSql";
    /** ADF names the integration runtime and its region; here the function app (and region) Azure says it is. */
    private static final String EFFECTIVE_RUNTIME =
            effectiveRuntime(System.getenv("WEBSITE_SITE_NAME"), System.getenv("REGION_NAME"));

    private final Instant start;
    private final long startNanos;
    private long readDoneNanos = -1;

    RunTimer(Instant start, long startNanos) {
        this.start = start;
        this.startNanos = startNanos;
    }

    void readDone() {
        readDoneNanos = System.nanoTime();
    }

    long startNanos() {
        return startNanos;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    Instant start() {
        return start;
    }

    /** The copy's output, ADF-shaped: verified when the copy asked for it ({@code validateDataConsistency}). */
    RunStatistics statistics(
            String runId,
            List<SliceResult> results,
            Publication.Published published,
            CopyJob job,
            Optional<Watermark> watermark,
            Optional<RunStatistics.FanOutDetails> fanOut) {
        List<WrittenFile> files = published.files();
        FileSink sink = job.sink();
        long endNanos = System.nanoTime();
        long rows = results.stream().mapToLong(SliceResult::rows).sum();
        long bytesRead = results.stream().mapToLong(SliceResult::bytesRead).sum();
        long firstByteNanos = results.stream()
                .mapToLong(SliceResult::firstRowNanos)
                .filter(t -> t >= 0)
                .min()
                .orElse(readDoneNanos);
        int slices = results.size();
        List<RunStatistics.Slice> sliceDetails = results.stream()
                .map(result -> result.remote() == null
                        ? new RunStatistics.Slice(
                                result.slice().index(), result.slice().range(), result.rows(), result.bytesRead())
                        : new RunStatistics.Slice(
                                result.slice().index(),
                                result.slice().range(),
                                result.rows(),
                                result.bytesRead(),
                                result.remote().instance(),
                                result.remote().delivery(),
                                result.remote().durationMillis(),
                                result.remote().snapshot()))
                .toList();
        long duration = seconds(endNanos - startNanos);
        long timeToFirstByte = seconds(firstByteNanos - startNanos);
        double exactSeconds = Math.max(endNanos - startNanos, 1_000_000) / 1e9;
        double throughput = Math.round(bytesRead / 1024.0 / exactSeconds * 1000) / 1000.0;
        long bytesWritten = files.stream().mapToLong(WrittenFile::bytes).sum();
        String sinkType = sink.destination().type();
        int sinkConnections = sink.destination() instanceof Destination.BlobStorage
                ? sink.blocks().maxConcurrentConnections()
                : 1;
        ExecutionDetail detail = new ExecutionDetail(
                new RunStatistics.Store(SOURCE_TYPE),
                new RunStatistics.Store(sinkType),
                "Succeeded",
                ADF_TIMESTAMP.format(start),
                duration,
                slices,
                new Profile(
                        new Stage("Completed", 0),
                        new Transfer(
                                "Completed",
                                duration,
                                new TransferDetails(
                                        new Reading(SOURCE_TYPE, seconds(readDoneNanos - startNanos), timeToFirstByte),
                                        new Writing(sinkType, duration)))),
                new DetailedDurations(0, timeToFirstByte, duration));
        return new RunStatistics(
                bytesRead,
                bytesWritten,
                files.size(),
                slices,
                sinkConnections * slices,
                rows,
                rows,
                duration,
                throughput,
                List.of(),
                EFFECTIVE_RUNTIME,
                slices,
                List.of(detail),
                Map.of("VerificationResult", job.validateDataConsistency() ? "Verified" : "NotVerified"),
                runId,
                files,
                published.manifest(),
                sliceDetails,
                watermark.orElse(null),
                fanOut.orElse(null));
    }

    static String effectiveRuntime(String site, String region) {
        String where = site == null || site.isBlank() ? "local" : site.strip();
        return "pgferry (" + where + (region == null || region.isBlank() ? "" : ", " + region.strip()) + ")";
    }

    private static long seconds(long nanos) {
        return Math.round(nanos / 1e9);
    }
}
