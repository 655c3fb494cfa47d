package io.pgferry.copy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pgferry.config.FanOutConfig;
import io.pgferry.config.InvocationConfig;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FanOutPlan;
import io.pgferry.contract.SliceOutcome;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.format.OutputFormat;
import io.pgferry.format.OutputFormats;
import io.pgferry.functionstorage.FanOutStore;
import io.pgferry.sink.ChunkSinks;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.PostgresPools;
import io.pgferry.source.postgres.ProjectionSql;
import io.pgferry.source.postgres.Slice;
import io.pgferry.source.postgres.SnapshotFacts;
import io.pgferry.source.postgres.SourceColumn;
import io.pgferry.source.postgres.SourceSession;

/**
 * Copies one slice of a fanned-out copy (see {@link FannedOutSlices}) on whichever instance took its message: in the
 * snapshot the planning instance exported, into blocks staged but not committed, reported with their ids for that
 * instance to commit. A slice is reported once: a second delivery of its message (the first instance died, or is
 * slow) copies it again under new block ids, and the report that comes first counts. A failure that a retry cannot
 * mend (the request's, or the snapshot gone) is reported at once and ends the copy; another is thrown so the host
 * delivers the message again, and reported on its last delivery.
 */
@ApplicationScoped
public class SliceWorker {
    private static final Logger LOG = Logger.getLogger(SliceWorker.class);
    /** Which instance this is: Azure's own id, else the host and process. */
    static final String INSTANCE = instance();

    private final PostgresPools pools;
    private final ChunkSinks sinks;
    private final Admission admission;
    private final FanOutStore store;
    private final FanOutConfig config;
    private final CopyTelemetry telemetry;
    private final Duration timeout;

    @Inject
    SliceWorker(
            PostgresPools pools,
            ChunkSinks sinks,
            Admission admission,
            FanOutStore store,
            FanOutConfig config,
            CopyTelemetry telemetry,
            InvocationConfig invocation) {
        this.pools = pools;
        this.sinks = sinks;
        this.admission = admission;
        this.store = store;
        this.config = config;
        this.telemetry = telemetry;
        this.timeout = invocation.timeout();
    }

    /** How a delivery of a slice message ended, for the host's log. */
    public enum Ending {
        /** Copied and reported. */
        REPORTED,
        /** Copied, but another delivery had reported the slice first: this copy's blocks are left to expire. */
        ALREADY_REPORTED,
        /** The copy had ended (done, failed or cancelled) before or while the slice was read. */
        COPY_ENDED,
        /** Failed for good: reported, so the copy fails. */
        FAILED
    }

    /**
     * @param delivery which delivery of the message this is (the host's {@code DequeueCount})
     * @throws CopyException a failure a later delivery may not meet (the source or sink unreachable, the instance busy)
     */
    public Ending copy(CopyJob job, FanOutPlan plan, int index, int delivery) {
        Slice slice = plan.slices().stream()
                .filter(planned -> planned.index() == index)
                .findFirst()
                .map(planned -> new Slice(planned.index(), planned.selectSql(), planned.range()))
                .orElseThrow(() -> new IllegalArgumentException("slice " + index + " is not in plan " + plan.plan()));
        long started = System.nanoTime();
        RunControl control = RunControl.expiringAfter(timeout);
        try {
            ReadSlice read = read(job, plan, slice, control);
            SliceResult result = read.result();
            SliceOutcome outcome;
            try {
                outcome = new SliceOutcome(
                        index,
                        INSTANCE,
                        delivery,
                        read.snapshot(),
                        result.rows(),
                        result.bytesRead(),
                        (System.nanoTime() - started) / 1_000_000,
                        result.writer().handOver(),
                        null,
                        0);
            } finally {
                result.chunks().close();
            }
            if (!store.running(job.runId(), plan.plan())) {
                return Ending.COPY_ENDED;
            }
            boolean first = store.report(job.runId(), plan.plan(), outcome);
            LOG.infof(
                    "copy %s slice %d: %d rows in %d files%s",
                    job.runId(),
                    index,
                    outcome.rows(),
                    outcome.files().size(),
                    first ? "" : "; another delivery reported it first");
            return first ? Ending.REPORTED : Ending.ALREADY_REPORTED;
        } catch (CopyException thrown) {
            if (!store.running(job.runId(), plan.plan())) {
                return Ending.COPY_ENDED;
            }
            CopyException e = control.cancelled() ? control.cancellation() : thrown;
            boolean lasting = e.httpStatus() < 500 || e.code() == ErrorCode.FanOutSnapshotLost;
            if (!lasting && delivery < config.maxDeliveries()) {
                LOG.warnf(
                        "copy %s slice %d failed (delivery %d, to be retried): %s",
                        job.runId(), index, delivery, e.getMessage());
                throw e;
            }
            store.report(
                    job.runId(),
                    plan.plan(),
                    new SliceOutcome(
                            index,
                            INSTANCE,
                            delivery,
                            null,
                            0,
                            0,
                            (System.nanoTime() - started) / 1_000_000,
                            List.of(),
                            e.atField(job.pointers()).error(),
                            e.httpStatus()));
            LOG.warnf("copy %s slice %d failed: %s", job.runId(), index, e.getMessage());
            return Ending.FAILED;
        } finally {
            control.ended();
        }
    }

    /** A slice read, and the snapshot it was read in as the server describes it ({@code txid_current_snapshot()}). */
    private record ReadSlice(SliceResult result, String snapshot) {}

    /** Reads the slice as {@link CopyRunner} would, in the plan's snapshot; stops when the copy's plan is gone. */
    private ReadSlice read(CopyJob job, FanOutPlan plan, Slice slice, RunControl control) {
        SourceSession session = null;
        try (Admission.Ticket ticket = admission.admit()) {
            ProjectionSql projection = new ProjectionSql(job.projection());
            try {
                session = SourceSession.open(
                        pools, job.source(), true, projection.settings(), Optional.of(plan.snapshot()));
            } catch (SQLException e) {
                if ("22023".equals(e.getSQLState())) {
                    throw CopyException.of(
                            ErrorCode.FanOutSnapshotLost,
                            "the snapshot of the fanned-out copy is gone: the instance that planned it stopped;"
                                    + " nothing was written, start the copy again",
                            e);
                }
                throw e;
            }
            control.onCancel(session::cancelQueries);
            control.reportEvery(config.pollInterval().multipliedBy(2), () -> {
                if (!store.running(job.runId(), plan.plan())) {
                    control.cancel(CopyException.of(ErrorCode.RunCancelled, "the fanned-out copy has ended", null));
                }
            });
            String selectSql = job.source().selectSql();
            List<SourceColumn> sourceColumns = SourceColumn.describe(session.leader(), selectSql);
            List<SourceColumn> columns = projection.columns(session.leader(), selectSql, sourceColumns);
            long sliceBytes = ticket.sliceBytes(1);
            OutputFormat format = OutputFormats.of(
                    job.sink().format(), columns, sliceBytes, job.source().timeZone());
            session.prepare(1);
            String snapshot = SnapshotFacts.read(session.leader()).snapshot();
            SliceResult result = new SliceCopy(
                            job,
                            control,
                            format,
                            sql -> projection.wrap(sql, sourceColumns),
                            sinks,
                            plan.slices().size(),
                            sliceBytes,
                            telemetry.fannedOut(job, plan.traceparent()))
                    .copy(slice, session.leader());
            if (slice.index() == 0 && result.rows() == 0) {
                // A copy without rows still leaves a file; the first slice writes it, whatever the others hold.
                result.writer().ensureFile();
            }
            return new ReadSlice(result, snapshot);
        } catch (SQLException e) {
            throw PostgresErrors.translate(e, job.source().connection());
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    private static String instance() {
        String azure = System.getenv("WEBSITE_INSTANCE_ID");
        if (azure != null && !azure.isBlank()) {
            return azure.strip();
        }
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "local" : host.strip()) + "-"
                + ProcessHandle.current().pid();
    }
}
