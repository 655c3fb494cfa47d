package io.pgferry.contract;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.pgferry.error.ErrorResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A successful copy's output, shaped like ADF's copy-activity output (sizes in bytes, durations in whole seconds,
 * {@code throughput} in KB/s of data read; {@code effectiveIntegrationRuntime} names what ran the copy: pgferry on
 * this function app, in this region). Beyond ADF: {@code runId}, which also tags every blob's metadata, and
 * {@code files}, the committed files with rows, bytes and MD5 each, {@code manifest}, the manifest written last (absent
 * when the sink asked for none), {@code slices}, how the rows were read (one slice, or one per parallel copy), and
 * {@code watermark}, the state an incremental copy stored for its next run, and {@code fanOut}, how a fanned-out
 * copy's slices went (their instances in {@code slices}).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatistics(
        long dataRead,
        long dataWritten,
        long filesWritten,
        int sourcePeakConnections,
        int sinkPeakConnections,
        long rowsRead,
        long rowsCopied,
        long copyDuration,
        double throughput,
        List<ErrorResponse> errors,
        String effectiveIntegrationRuntime,
        int usedParallelCopies,
        List<ExecutionDetail> executionDetails,
        Map<String, String> dataConsistencyVerification,
        String runId,
        List<WrittenFile> files,
        String manifest,
        List<Slice> slices,
        Watermark watermark,
        FanOutDetails fanOut) {

    public RunStatistics {
        errors = List.copyOf(errors);
        executionDetails = List.copyOf(executionDetails);
        dataConsistencyVerification = Map.copyOf(dataConsistencyVerification);
        files = List.copyOf(files);
        slices = List.copyOf(slices);
    }

    /**
     * One slice of a copy read in parallel: which rows ({@code all}, or a range of the table's pages), how many, and
     * the bytes PostgreSQL sent for them; for a fanned-out copy also the instance that copied it, which delivery of its
     * message that was, how long it took, and the snapshot it read in as the server described it there
     * ({@code txid_current_snapshot()}, the manifest's {@code source.snapshot}).
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Slice(
            int index,
            String range,
            long rows,
            long dataRead,
            String instance,
            Integer delivery,
            Long durationMillis,
            String snapshot) {
        /** A slice read by this instance. */
        public Slice(int index, String range, long rows, long dataRead) {
            this(index, range, rows, dataRead, null, null, null, null);
        }
    }

    /**
     * A fanned-out copy: its plan's id, the snapshot every slice read in, and how long that snapshot was held open
     * (from its export to the commit of the last file: the time vacuum could not remove rows the copy might read).
     */
    @RegisterForReflection
    public record FanOutDetails(String plan, String snapshot, int slices, double snapshotHeldSeconds) {}

    /** One copy execution: ADF's {@code executionDetails[]} element. */
    @RegisterForReflection
    public record ExecutionDetail(
            Store source,
            Store sink,
            String status,
            String start,
            long duration,
            int usedParallelCopies,
            Profile profile,
            DetailedDurations detailedDurations) {}

    @RegisterForReflection
    public record Store(String type) {}

    @RegisterForReflection
    public record Profile(Stage queue, Transfer transfer) {}

    @RegisterForReflection
    public record Stage(String status, long duration) {}

    @RegisterForReflection
    public record Transfer(String status, long duration, TransferDetails details) {}

    @RegisterForReflection
    public record TransferDetails(Reading readingFromSource, Writing writingToSink) {}

    @RegisterForReflection
    public record Reading(String type, long workingDuration, long timeToFirstByte) {}

    @RegisterForReflection
    public record Writing(String type, long workingDuration) {}

    @RegisterForReflection
    public record DetailedDurations(long queuingDuration, long timeToFirstByte, long transferDuration) {}
}
