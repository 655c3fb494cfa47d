package io.pgferry.sink.blob;

import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The bytes every copy on this instance may hold in block buffers at once: a quarter of the heap, shared. Copies take
 * from it as their blobs grow and give back as blocks are uploaded, so many small copies hold little and a few large
 * ones cannot crowd the heap out. Counted in KiB (a semaphore's permits are ints).
 */
@ApplicationScoped
public class BufferBudget {
    private final Semaphore kib;

    BufferBudget() {
        this(Runtime.getRuntime().maxMemory() / 4);
    }

    BufferBudget(long bytes) {
        this.kib = new Semaphore((int) Math.min(Integer.MAX_VALUE, Math.max(1, bytes / 1024)), true);
    }

    /** Takes {@code bytes} if they are free now. */
    boolean tryTake(int bytes) {
        return kib.tryAcquire(kibOf(bytes));
    }

    /** Takes {@code bytes}, waiting until other copies give enough back. */
    void take(int bytes) {
        try {
            kib.acquire(kibOf(bytes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for memory for a block", e);
        }
    }

    void give(long bytes) {
        if (bytes > 0) {
            kib.release((int) ((bytes + 1023) / 1024));
        }
    }

    /** KiB free now, for tests and logs. */
    long freeKib() {
        return kib.availablePermits();
    }

    private static int kibOf(int bytes) {
        return (bytes + 1023) / 1024;
    }
}
