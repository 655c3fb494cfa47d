package io.pgferry.copy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pgferry.config.FanOutConfig;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FanOutPlan;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.SliceOutcome;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.functionstorage.FanOutStore;
import io.pgferry.sink.ChunkSink;
import io.pgferry.sink.ChunkSinks;
import io.pgferry.sink.RollingWriter;
import io.pgferry.source.postgres.Slice;

/**
 * Has a copy's slices read by any instance of the function app rather than by threads of this one: the plan (the
 * snapshot this instance exported and keeps open, each slice's SELECT) goes to the function's storage and one message
 * per slice onto the {@code pgferry-slices} queue, which Azure Functions scales out on. Each instance that takes a
 * message copies its slice into staged blocks ({@link SliceWorker}) and reports them; once every slice is reported,
 * this instance adopts the staged files, for {@link Publication} to commit as if it had written them. The first slice
 * to fail fails the copy; removing the plan then stops the slices still running.
 */
@ApplicationScoped
public class FannedOutSlices {
    private static final Logger LOG = Logger.getLogger(FannedOutSlices.class);
    /** The adopted files are committed, not written: their sink buffers nothing. */
    private static final long ADOPTED_BYTES = 1 << 20;

    private final FanOutStore store;
    private final ChunkSinks sinks;
    private final Duration pollInterval;

    @Inject
    FannedOutSlices(FanOutStore store, ChunkSinks sinks, FanOutConfig config) {
        this.store = store;
        this.sinks = sinks;
        this.pollInterval = config.pollInterval();
    }

    /**
     * The slices as every instance read them, their files staged and adopted here, and the plan's id.
     *
     * @param exportedNanos {@link System#nanoTime()} when the snapshot was exported
     */
    record Gathered(List<SliceResult> results, String plan, String snapshot, long exportedNanos) {
        /** How the fan-out went; the snapshot's age is measured now (call it once the files are committed). */
        RunStatistics.FanOutDetails details() {
            return new RunStatistics.FanOutDetails(
                    plan, snapshot, results.size(), Math.round((System.nanoTime() - exportedNanos) / 1e6) / 1000.0);
        }
    }

    /**
     * @param snapshot exported by this instance's open transaction, which must stay open until the files are committed
     * @param traceparent the copy's trace, for the slices' spans to join (null when untraced)
     * @throws CopyException the first slice's failure, {@code FanOutSliceLost} for a slice whose message was poisoned,
     *         or the control's cancellation
     */
    Gathered copy(
            CopyJob job,
            List<Slice> slices,
            String snapshot,
            long exportedNanos,
            String traceparent,
            RunControl control) {
        String runId = job.runId();
        String plan = UUID.randomUUID().toString();
        store.removeEarlierPlans(runId, plan);
        Map<Integer, SliceOutcome> reports = new TreeMap<>();
        try {
            store.publish(new FanOutPlan(
                    runId,
                    plan,
                    snapshot,
                    slices.stream()
                            .map(slice -> new FanOutPlan.PlannedSlice(slice.index(), slice.selectSql(), slice.range()))
                            .toList(),
                    job.fanOut().orElseThrow().payload(),
                    Instant.now().toString(),
                    traceparent));
            LOG.infof(
                    "copy %s (%s) fanned out: %d slices in snapshot %s, plan %s",
                    runId, job.activityName(), slices.size(), snapshot, plan);
            while (reports.size() < slices.size()) {
                if (control.cancelled()) {
                    throw control.cancellation();
                }
                for (SliceOutcome outcome :
                        store.reports(runId, plan, reports.keySet()).values()) {
                    if (outcome.failed()) {
                        throw failure(outcome);
                    }
                    reports.put(outcome.slice(), outcome);
                    control.addRows(outcome.rows());
                }
                if (reports.size() < slices.size()) {
                    store.poisoned(runId, plan)
                            .filter(slice -> !reports.containsKey(slice))
                            .ifPresent(slice -> {
                                throw CopyException.of(
                                        ErrorCode.FanOutSliceLost,
                                        "slice " + slice + " of the fanned-out copy failed on every delivery of its"
                                                + " message, which is now in the "
                                                + "poison queue; nothing was written",
                                        null);
                            });
                    pause();
                }
            }
            return new Gathered(adopt(job, slices, reports), plan, snapshot, exportedNanos);
        } finally {
            store.remove(runId, plan);
        }
    }

    private List<SliceResult> adopt(CopyJob job, List<Slice> slices, Map<Integer, SliceOutcome> reports) {
        ChunkSink sink = sinks.open(job.sink(), job.runId(), ADOPTED_BYTES);
        List<SliceResult> results = new ArrayList<>();
        for (Slice slice : slices) {
            SliceOutcome outcome = reports.get(slice.index());
            results.add(new SliceResult(
                    slice,
                    sink,
                    RollingWriter.adopted(sink, outcome.files()),
                    outcome.rows(),
                    outcome.dataRead(),
                    -1,
                    outcome));
        }
        return results;
    }

    /** A slice's failure as the copy's: its code and message, and which slice and instance it was. */
    private static CopyException failure(SliceOutcome outcome) {
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(outcome.error().errorCode());
        } catch (IllegalArgumentException e) {
            code = ErrorCode.InternalError;
        }
        return CopyException.of(
                code,
                "slice " + outcome.slice() + " (instance " + outcome.instance() + ", delivery " + outcome.delivery()
                        + "): " + outcome.error().message(),
                null);
    }

    private void pause() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CopyException.of(ErrorCode.Interrupted, "the copy was interrupted", e);
        }
    }
}
