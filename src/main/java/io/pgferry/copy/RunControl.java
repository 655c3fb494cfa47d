package io.pgferry.copy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * What the outside sees of a running copy and how it stops it: rows copied so far, the row estimate for a table, and
 * cancellation (the copy's queries are cancelled on the server; staged chunks are discarded), on request or at a
 * deadline.
 */
public final class RunControl {
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "pgferry-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    private final AtomicLong rowsCopied = new AtomicLong();
    private volatile long estimatedRows = -1;
    private volatile CopyException cancellation;
    private Runnable canceller;
    private final List<RunControl> children = new CopyOnWriteArrayList<>();
    private ScheduledFuture<?> deadline;
    private ScheduledFuture<?> reports;

    /**
     * A control that cancels its copy when {@code deadline} has passed, with {@code InvocationTimedOut}: a copy
     * invoked by the Functions host must end before the host's {@code functionTimeout}, which would restart the whole
     * handler and fail every other copy in flight.
     */
    public static RunControl expiringAfter(Duration deadline) {
        RunControl control = new RunControl();
        CopyException timedOut = CopyException.of(
                ErrorCode.InvocationTimedOut,
                "the copy did not end within "
                        + (deadline.toSeconds() < 120
                                ? deadline.toSeconds() + " seconds"
                                : deadline.toMinutes() + " minutes")
                        + ", the limit for a copy that is waited for (pgferry.invocation.timeout,"
                        + " below the function's timeout); nothing was written. Start long copies with POST /runs",
                null);
        control.deadline =
                DEADLINES.schedule(() -> control.cancel(timedOut), deadline.toMillis(), TimeUnit.MILLISECONDS);
        return control;
    }

    public long rowsCopied() {
        return rowsCopied.get();
    }

    /** The table's row count as PostgreSQL's statistics have it, or -1 when unknown (a query). */
    public long estimatedRows() {
        return estimatedRows;
    }

    public boolean cancelled() {
        return cancellation != null;
    }

    /** Why the copy was stopped; null when it was not. */
    public CopyException cancellation() {
        return cancellation;
    }

    /** Stops the copy: it ends with {@code RunCancelled} and writes nothing. */
    public void cancel() {
        cancel(CopyException.of(ErrorCode.RunCancelled, "the copy was cancelled; nothing was written", null));
    }

    /** Stops the copy with {@code reason} as its failure. */
    public void cancel(CopyException reason) {
        Runnable current;
        synchronized (this) {
            if (cancellation != null) {
                return;
            }
            cancellation = reason;
            current = canceller;
        }
        if (current != null) {
            current.run();
        }
        children.forEach(child -> child.cancel(reason));
    }

    /** A control for one copy of a run of several (a pipeline's): cancelling this one cancels it too. */
    public RunControl child() {
        RunControl child = new RunControl();
        children.add(child);
        CopyException reason = cancellation;
        if (reason != null) {
            child.cancel(reason);
        }
        return child;
    }

    void addRows(long rows) {
        rowsCopied.addAndGet(rows);
    }

    void estimate(long rows) {
        estimatedRows = rows;
    }

    /** Runs {@code report} every {@code interval} until the copy ends. */
    void reportEvery(Duration interval, Runnable report) {
        ScheduledFuture<?> scheduled =
                DEADLINES.scheduleAtFixedRate(report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        synchronized (this) {
            reports = scheduled;
        }
    }

    /** The copy has ended: nothing is left to cancel or report, and its deadline no longer matters. */
    void ended() {
        List<ScheduledFuture<?>> pending = new java.util.ArrayList<>(2);
        synchronized (this) {
            canceller = null;
            if (deadline != null) {
                pending.add(deadline);
            }
            if (reports != null) {
                pending.add(reports);
            }
        }
        pending.forEach(future -> future.cancel(false));
    }

    /** What {@link #cancel()} runs; runs it at once when the copy was cancelled before it got this far. */
    void onCancel(Runnable action) {
        boolean now;
        synchronized (this) {
            canceller = action;
            now = cancellation != null;
        }
        if (now) {
            action.run();
        }
    }
}
