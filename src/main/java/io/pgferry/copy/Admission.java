package io.pgferry.copy;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.pgferry.config.CopiesConfig;
import io.pgferry.error.CopyException;

/**
 * The copies this instance runs at once: at most {@code pgferry.copies.max-concurrent}, one more answered 503
 * {@code InstanceBusy} with {@code Retry-After} rather than risking the instance; and the slices they read, which
 * share what the heap gives file formats (a Parquet row group).
 */
@ApplicationScoped
public class Admission {
    /** Seconds a refused caller is asked to wait. */
    static final int RETRY_AFTER_SECONDS = 10;

    private final int maxCopies;
    private final AtomicInteger copies = new AtomicInteger();
    private final AtomicInteger slices = new AtomicInteger();

    @Inject
    Admission(CopiesConfig config) {
        this.maxCopies = config.maxConcurrent();
    }

    /** A place for one copy, given back by {@link Ticket#close()}. */
    public final class Ticket implements AutoCloseable {
        private int slicesHeld;
        private boolean closed;

        private Ticket() {}

        /**
         * What each of this copy's {@code count} slices may buffer for its files: a quarter of the heap, shared with
         * the slices of the other copies running now.
         */
        long sliceBytes(int count) {
            slices.addAndGet(count - slicesHeld);
            slicesHeld = count;
            return Runtime.getRuntime().maxMemory() / 4 / Math.max(slices.get(), 1);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                slices.addAndGet(-slicesHeld);
                copies.decrementAndGet();
            }
        }
    }

    /**
     * @throws CopyException 503 {@code InstanceBusy} when the instance runs as many copies as it may
     */
    public Ticket admit() {
        if (copies.incrementAndGet() > maxCopies) {
            copies.decrementAndGet();
            throw CopyException.busy(
                    "this instance is running " + maxCopies + " copies, as many as" + " it may; try again in "
                            + RETRY_AFTER_SECONDS + " s",
                    RETRY_AFTER_SECONDS);
        }
        return new Ticket();
    }
}
