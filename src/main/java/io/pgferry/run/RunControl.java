package io.pgferry.run;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the outside sees of a running copy and how it stops it: rows copied so far, the row estimate for a table, and
 * cancellation (the copy's queries are cancelled on the server; staged chunks are discarded).
 */
public final class RunControl {
    private final AtomicLong rowsCopied = new AtomicLong();
    private volatile long estimatedRows = -1;
    private volatile boolean cancelled;
    private Runnable canceller;

    public long rowsCopied() {
        return rowsCopied.get();
    }

    /** The table's row count as PostgreSQL's statistics have it, or -1 when unknown (a query). */
    public long estimatedRows() {
        return estimatedRows;
    }

    public boolean cancelled() {
        return cancelled;
    }

    /** Stops the copy: it ends with {@code RunCancelled} and writes nothing. */
    public void cancel() {
        Runnable current;
        synchronized (this) {
            cancelled = true;
            current = canceller;
        }
        if (current != null) {
            current.run();
        }
    }

    void addRows(long rows) {
        rowsCopied.addAndGet(rows);
    }

    void estimate(long rows) {
        estimatedRows = rows;
    }

    /** What {@link #cancel()} runs; runs it at once when the copy was cancelled before it got this far. */
    void onCancel(Runnable action) {
        boolean now;
        synchronized (this) {
            canceller = action;
            now = cancelled;
        }
        if (now) {
            action.run();
        }
    }
}
