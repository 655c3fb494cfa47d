package io.pgferry.copy;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FanOut;
import io.pgferry.contract.Incremental;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.Watermark;
import io.pgferry.contract.WrittenFile;
import io.pgferry.error.CopyException;
import io.pgferry.format.OutputFormat;
import io.pgferry.format.OutputFormats;
import io.pgferry.functionstorage.Watermarks;
import io.pgferry.memory.NativeHeap;
import io.pgferry.sink.ChunkSinks;
import io.pgferry.source.postgres.IncrementalSql;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.PostgresPools;
import io.pgferry.source.postgres.ProjectionSql;
import io.pgferry.source.postgres.Slice;
import io.pgferry.source.postgres.SlicePlanner;
import io.pgferry.source.postgres.SnapshotFacts;
import io.pgferry.source.postgres.SourceColumn;
import io.pgferry.source.postgres.SourceSession;

/**
 * Runs a copy, stage by stage: plan (the source's columns and slices, in a {@link SourceSession}), read and encode
 * (each slice by {@link SliceCopy}, at once by {@link ParallelSlices}), commit ({@link Publication}: every file, then
 * the manifest) and report ({@link RunTimer}'s statistics), each stage a span of the copy's trace
 * ({@link CopyTelemetry}). Whatever fails, nothing becomes visible in the sink and the error names the resource at
 * fault.
 */
@ApplicationScoped
public class CopyRunner {
    private static final Logger LOG = Logger.getLogger(CopyRunner.class);

    private final PostgresPools pools;
    private final ChunkSinks sinks;
    private final Admission admission;
    private final Watermarks watermarks;
    private final FannedOutSlices fannedOut;
    private final NativeHeap nativeHeap;
    private final CopyTelemetry telemetry;
    private final Duration progressInterval;

    /** @param progressInterval how often a running copy logs its progress */
    @Inject
    CopyRunner(
            PostgresPools pools,
            ChunkSinks sinks,
            Admission admission,
            Watermarks watermarks,
            FannedOutSlices fannedOut,
            NativeHeap nativeHeap,
            CopyTelemetry telemetry,
            @ConfigProperty(name = "pgferry.log.progress-interval") Duration progressInterval) {
        this.pools = pools;
        this.sinks = sinks;
        this.admission = admission;
        this.watermarks = watermarks;
        this.fannedOut = fannedOut;
        this.nativeHeap = nativeHeap;
        this.telemetry = telemetry;
        this.progressInterval = progressInterval;
    }

    /**
     * A place for one more copy on this instance, to pass to {@link #run(CopyJob, RunControl, Admission.Ticket)}
     * later (a copy started in the background is refused before it is answered, not after).
     *
     * @throws CopyException 503 {@code InstanceBusy} when the instance runs as many copies as it may
     */
    public Admission.Ticket admit() {
        return admission.admit();
    }

    /**
     * @param control reports progress and lets another thread cancel the copy
     * @throws CopyException with the activity as its target when the copy fails ({@code RunCancelled} when cancelled),
     *         or 503 {@code InstanceBusy} when the instance runs as many copies as it may
     */
    public RunStatistics run(CopyJob job, RunControl control) {
        return run(job, control, admission.admit());
    }

    /** As {@link #run(CopyJob, RunControl)} with a place already taken; the place is given back when it ends. */
    public RunStatistics run(CopyJob job, RunControl control, Admission.Ticket ticket) {
        return run(job, control, ticket, Optional.empty());
    }

    /**
     * As {@link #run(CopyJob, RunControl, Admission.Ticket)}, reading in {@code snapshot} when given: one another
     * transaction exported and keeps open, so that several copies (a pipeline run's) see one moment.
     */
    public RunStatistics run(CopyJob job, RunControl control, Admission.Ticket ticket, Optional<String> snapshot) {
        String runId = job.runId();
        RunTimer timer = new RunTimer(Instant.now(), System.nanoTime());
        nativeHeap.copyStarted();
        CopyTelemetry.Copy trace = telemetry.start(job);
        try (ticket) {
            CopyLog.started(job);
            control.reportEvery(progressInterval, () -> CopyLog.progress(job, control, timer.startNanos()));
            RunStatistics statistics = copy(job, timer, control, ticket, snapshot, trace);
            CopyLog.ended(job, statistics, timer.elapsedMillis());
            trace.succeeded(statistics);
            return statistics;
        } catch (CopyException e) {
            CopyException failure = (control.cancelled() ? control.cancellation() : e).atField(job.pointers());
            LOG.warnf(
                    "copy %s (%s) failed after %d ms: %s",
                    runId, job.activityName(), timer.elapsedMillis(), failure.getMessage());
            trace.failed(failure);
            throw failure.withTarget(job.activityName());
        } finally {
            nativeHeap.copyEnded();
            trace.close();
        }
    }

    /** Plans the copy in its source session, then transfers it. */
    private RunStatistics copy(
            CopyJob job,
            RunTimer timer,
            RunControl control,
            Admission.Ticket ticket,
            Optional<String> snapshot,
            CopyTelemetry.Copy trace) {
        SourceSession session = null;
        try {
            trace.planning();
            ProjectionSql projection = new ProjectionSql(job.projection());
            // An incremental copy plans in the snapshot it reads in: repeatable read, like a sliced one.
            boolean fanOut = job.fanOut().isPresent();
            boolean repeatable = job.parallelCopies() > 1 || job.incremental().isPresent() || fanOut;
            session = SourceSession.open(pools, job.source(), repeatable, projection.settings(), snapshot);
            control.onCancel(session::cancelQueries);
            if (job.source().query().isEmpty()) {
                control.estimate(
                        session.estimateRows(job.source().table().orElseThrow().quoted()));
            }
            String selectSql = job.source().selectSql();
            List<SourceColumn> sourceColumns = SourceColumn.describe(session.leader(), selectSql);
            Optional<IncrementalSql.Plan> incremental = Optional.empty();
            List<Slice> slices;
            if (job.incremental().isPresent()) {
                Incremental asked = job.incremental().get();
                incremental = Optional.of(IncrementalSql.plan(
                        session, job.source(), asked, watermarks.find(asked.stateKey()), sourceColumns, job.runId()));
                slices = List.of(new Slice(0, incremental.get().selectSql(), "incremental"));
            } else {
                slices = SlicePlanner.plan(
                        session.leader(),
                        job.source(),
                        job.fanOut().map(FanOut::slices).orElse(job.parallelCopies()));
            }
            session.describeSlices(sourceColumns, slices);
            List<SourceColumn> columns = projection.columns(session.leader(), selectSql, sourceColumns);
            // The slices of a fanned-out copy are read by the instances that take their messages, not here.
            int readHere = fanOut ? 1 : slices.size();
            long sliceBytes = ticket.sliceBytes(readHere);
            // Built here too when the slices are read elsewhere: a schema the format refuses fails before fanning out.
            OutputFormat format = OutputFormats.of(
                    job.sink().format(), columns, sliceBytes, job.source().timeZone());
            session.prepare(readHere);
            if (fanOut && session.exportedSnapshot().isEmpty()) {
                session.exportSnapshot();
            }
            long exportedNanos = System.nanoTime();
            Manifest.Read read =
                    new Manifest.Read(columns, SnapshotFacts.read(session.leader()), session.exportedSnapshot());
            trace.planned(columns.size(), slices.size());
            if (control.cancelled()) {
                throw control.cancellation();
            }
            Optional<FannedOutSlices.Gathered> gathered = Optional.empty();
            List<SliceResult> results;
            if (fanOut) {
                gathered = Optional.of(fannedOut.copy(
                        job,
                        slices,
                        session.exportedSnapshot().orElseThrow(),
                        exportedNanos,
                        trace.traceparent(),
                        control));
                results = gathered.get().results();
            } else {
                SliceCopy sliceCopy = new SliceCopy(
                        job,
                        control,
                        format,
                        sql -> projection.wrap(sql, sourceColumns),
                        sinks,
                        slices.size(),
                        sliceBytes,
                        trace.slices());
                results = ParallelSlices.copy(sliceCopy, slices, session);
            }
            RunStatistics statistics =
                    transfer(job, timer, results, read, incremental.map(IncrementalSql.Plan::next), gathered, trace);
            // Stored once the output is committed: a run that fails leaves the last watermark for the next to start at.
            if (statistics.watermark() != null) {
                watermarks.save(job.incremental().orElseThrow().stateKey(), statistics.watermark());
            }
            return statistics;
        } catch (SQLException e) {
            throw PostgresErrors.translate(e, job.source().connection());
        } finally {
            control.ended();
            if (session != null) {
                session.close();
            }
        }
    }

    /**
     * Commits every slice's files, then the manifest, and reports; on failure none of them stays.
     *
     * @param fannedOut how a fanned-out copy's slices went, reported once its files are committed
     */
    private static RunStatistics transfer(
            CopyJob job,
            RunTimer timer,
            List<SliceResult> results,
            Manifest.Read read,
            Optional<Watermark> watermark,
            Optional<FannedOutSlices.Gathered> fannedOut,
            CopyTelemetry.Copy trace) {
        timer.readDone();
        try {
            trace.committing();
            if (results.stream().mapToLong(SliceResult::rows).sum() == 0) {
                results.get(0).writer().ensureFile();
            }
            Publication.Published published = Publication.publish(job, results, read, timer.start());
            trace.committed(
                    published.files().size(),
                    published.files().stream().mapToLong(WrittenFile::bytes).sum());
            return timer.statistics(
                    job.runId(),
                    results,
                    published,
                    job,
                    watermark.map(next -> new Watermark(
                            next.column(),
                            next.high(),
                            next.snapshot(),
                            next.runId(),
                            Instant.now().toString())),
                    fannedOut.map(FannedOutSlices.Gathered::details));
        } catch (CopyException e) {
            results.forEach(result -> result.writer().discard());
            throw e;
        } finally {
            results.forEach(result -> result.chunks().close());
        }
    }
}
