package io.pgferry.run;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pgferry.config.InvocationConfig;
import io.pgferry.config.StorageConfig;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.RunStatistics;
import io.pgferry.copy.Admission;
import io.pgferry.copy.CopyRunner;
import io.pgferry.copy.RunControl;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.run.RunRecords.Stored;

/**
 * Copies with a durable record per run id: a run id copies once (a duplicate delivery of a finished run answers its
 * record), a running copy writes its progress every heartbeat, and a cancel request written into the record by any
 * instance stops it. A record whose heartbeat stopped belongs to a dead instance and may be taken over.
 */
@ApplicationScoped
public class Runs {
    private static final Logger LOG = Logger.getLogger(Runs.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final RunRecords store;
    private final CopyRunner runner;
    private final Duration heartbeat;
    private final Duration invocationTimeout;
    private final Map<String, RunControl> local = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "pgferry-heartbeat"));
    private final ExecutorService background =
            Executors.newCachedThreadPool(task -> daemon(task, "pgferry-run-" + THREADS.incrementAndGet()));

    @Inject
    Runs(RunRecords store, CopyRunner runner, StorageConfig config, InvocationConfig invocation) {
        this.store = store;
        this.runner = runner;
        this.heartbeat = config.heartbeat();
        this.invocationTimeout = invocation.timeout();
    }

    /** A run this instance may execute, or the record of one that exists already. */
    private sealed interface Claim permits Claimed, Existing {}

    private record Claimed(RunRecord record) implements Claim {}

    private record Existing(RunRecord record) implements Claim {}

    /**
     * Runs the copy here and now, within the invocation timeout, unless its run id already succeeded (its record is
     * answered, nothing is copied) or is running on a live instance.
     *
     * @throws CopyException the copy's failure (recorded first), or {@code RunInProgress} (409)
     */
    public RunRecord runOnce(CopyJob job, String trigger) {
        try (Admission.Ticket ticket = runner.admit()) {
            Claim claim = claim(job, trigger);
            if (claim instanceof Existing existing) {
                if (existing.record().status() == RunStatus.Succeeded) {
                    LOG.infof("run %s already succeeded; not copying again", job.runId());
                    return existing.record();
                }
                throw inProgress(existing.record());
            }
            return execute(job, ((Claimed) claim).record(), RunControl.expiringAfter(invocationTimeout), ticket);
        }
    }

    /**
     * Starts the copy in the background and answers its record at once; a run id that exists answers its record.
     */
    public RunRecord start(CopyJob job, String trigger) {
        Admission.Ticket ticket = runner.admit();
        Claim claim;
        try {
            claim = claim(job, trigger);
        } catch (RuntimeException e) {
            ticket.close();
            throw e;
        }
        if (claim instanceof Existing existing) {
            ticket.close();
            return existing.record();
        }
        RunRecord record = ((Claimed) claim).record();
        background.execute(() -> {
            try {
                execute(job, record, new RunControl(), ticket);
            } catch (CopyException e) {
                // recorded (and an unexpected failure logged) by execute
            } catch (RuntimeException e) {
                LOG.errorf(e, "run %s: its record could not be written", job.runId());
            }
        });
        return record;
    }

    /**
     * The run's record; a run whose instance stopped heartbeating is answered as failed ({@code RunAbandoned},
     * retryable), so pollers do not wait for it forever.
     */
    public Optional<RunRecord> find(String runId) {
        return store.find(runId)
                .map(Stored::record)
                .map(record -> record.status().finished() || alive(record)
                        ? record
                        : record.failed(
                                RunStatus.Failed,
                                CopyException.of(
                                                ErrorCode.RunAbandoned,
                                                "the instance running" + " run " + runId + " stopped (last heard of at "
                                                        + record.updatedAt() + "); start it again",
                                                null)
                                        .error(),
                                502,
                                Instant.now()));
    }

    /** Whether a running record's instance still heartbeats. */
    private boolean alive(RunRecord record) {
        return record.updatedAt()
                .isAfter(Instant.now().minus(heartbeat.multipliedBy(3).plusSeconds(30)));
    }

    /**
     * Asks a run to stop: its record says {@code Canceling} until the copy has stopped ({@code Cancelled}). A finished
     * run is answered as it is.
     */
    public Optional<RunRecord> cancel(String runId) {
        Optional<RunRecord> updated =
                update(runId, record -> record.status().finished() ? record : record.canceling(Instant.now()));
        RunControl control = local.get(runId);
        if (control != null) {
            control.cancel();
        }
        return updated;
    }

    private Claim claim(CopyJob job, String trigger) {
        RunRecord fresh = RunRecord.started(job.runId(), trigger, job.activityName(), Instant.now());
        for (int attempt = 0; attempt < 5; attempt++) {
            if (store.create(fresh).isPresent()) {
                return new Claimed(fresh);
            }
            Optional<Stored> found = store.find(job.runId());
            if (found.isEmpty()) {
                continue;
            }
            RunRecord existing = found.get().record();
            if (existing.status() == RunStatus.Succeeded || (!existing.status().finished() && alive(existing))) {
                return new Existing(existing);
            }
            // Failed or cancelled runs are retried; a run whose instance died is taken over.
            if (store.replace(fresh, found.get().etag()).isPresent()) {
                return new Claimed(fresh);
            }
        }
        throw inProgress(fresh);
    }

    private RunRecord execute(CopyJob job, RunRecord claimed, RunControl control, Admission.Ticket ticket) {
        String runId = job.runId();
        local.put(runId, control);
        ScheduledFuture<?> beats = heartbeats.scheduleWithFixedDelay(
                () -> beat(runId, control), heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        try {
            RunStatistics statistics = runner.run(job, control, ticket);
            beats.cancel(false);
            return update(runId, record -> record.succeeded(statistics, Instant.now()))
                    .orElse(claimed);
        } catch (CopyException e) {
            beats.cancel(false);
            RunStatus status = e.code() == ErrorCode.RunCancelled ? RunStatus.Cancelled : RunStatus.Failed;
            update(runId, record -> record.failed(status, e.error(), e.httpStatus(), Instant.now()));
            throw e;
        } catch (RuntimeException | Error e) {
            // A bug: the run still ends, as InternalError, so pollers never wait for it forever.
            beats.cancel(false);
            LOG.errorf(e, "run %s failed unexpectedly", runId);
            CopyException internal = CopyException.internalError(e);
            update(
                    runId,
                    record -> record.failed(RunStatus.Failed, internal.error(), internal.httpStatus(), Instant.now()));
            throw internal;
        } finally {
            beats.cancel(false);
            local.remove(runId);
        }
    }

    /** Writes progress; a cancel request found in the record (from any instance) stops the copy. */
    private void beat(String runId, RunControl control) {
        try {
            update(runId, record -> {
                if (record.status() == RunStatus.Canceling) {
                    control.cancel();
                }
                return record.status().finished()
                        ? record
                        : record.progress(control.rowsCopied(), control.estimatedRows(), Instant.now());
            });
        } catch (RuntimeException e) {
            LOG.warnf("run %s: heartbeat not recorded: %s", runId, e.getMessage());
        }
    }

    /** Read, change, write with the read ETag, again if someone wrote in between; empty when there is no record. */
    private synchronized Optional<RunRecord> update(String runId, UnaryOperator<RunRecord> change) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Optional<Stored> found = store.find(runId);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            RunRecord changed = change.apply(found.get().record());
            if (changed == found.get().record()
                    || store.replace(changed, found.get().etag()).isPresent()) {
                return Optional.of(changed);
            }
        }
        throw CopyException.of(ErrorCode.RunStoreContended, "run " + runId + ": its record kept changing", null);
    }

    private static CopyException inProgress(RunRecord record) {
        return CopyException.of(
                ErrorCode.RunInProgress,
                "run " + record.runId() + " is already in progress (since " + record.startedAt() + "); try again later",
                null);
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** The instance is going away: its copies stop as retryable failures, to be run again (not as cancelled). */
    @PreDestroy
    void stop() {
        local.values()
                .forEach(control -> control.cancel(CopyException.of(
                        ErrorCode.InstanceStopping,
                        "the" + " instance running the copy is shutting down; nothing was written, start it again",
                        null)));
        background.shutdown();
        heartbeats.shutdownNow();
    }
}
