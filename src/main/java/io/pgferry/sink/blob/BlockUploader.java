package io.pgferry.sink.blob;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.specialized.BlockBlobClient;

/**
 * Stages one copy's blocks in the background. It owns {@code maxConcurrentConnections} upload threads and holds at
 * most {@code blockSize × (maxConcurrentConnections + 1)} bytes of buffers, full-size or smaller: one being filled by
 * the reading thread, the rest uploading or queued. When that much is held, reading waits for its own uploads, and so
 * does PostgreSQL: memory stays bounded whatever the table size and however slowly the store takes the blocks.
 *
 * <p>
 * A blob starts in a small buffer that grows (×4) up to the block size, so a small copy holds kilobytes, not a block.
 * Every buffer is taken from the instance's {@link BufferBudget}: a copy that holds none waits for its first one; a
 * copy that holds some never waits for the budget (it waits for its own uploads instead, or stages a smaller block),
 * so copies cannot block each other for good.
 *
 * <p>
 * The copy's thread calls {@link #start()}, {@link #grow}, {@link #stage} and {@link #release}; {@link #close()} stops
 * the threads and gives the budget back.
 */
final class BlockUploader implements AutoCloseable {
    /** The first buffer of a blob. */
    static final int FIRST_BUFFER = 64 * 1024;
    /**
     * What the HTTP client is handed at a time. Over plain HTTP (Azurite, an endpoint without TLS) it copies a heap
     * buffer into native memory to send it: a block in one piece was a native allocation of the block's size per
     * upload, beyond its pooled allocator, which glibc kept in its free lists; slices are copied through the pool's
     * reused chunks. Over HTTPS the TLS layer already encrypts in records of 16 KiB, so there slicing changes nothing.
     */
    static final int SLICE = 256 * 1024;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BufferBudget budget;
    private final int blockSize;
    /** What the copy may hold in buffers: {@code blockSize × (maxConcurrentConnections + 1)}. */
    private final long maxHeld;

    private final ExecutorService executor;
    /** Guards the fields below; signalled whenever a buffer comes back. */
    private final ReentrantLock lock = new ReentrantLock();

    private final Condition returned = lock.newCondition();
    /** Full-size buffers not in use. */
    private final Deque<byte[]> free = new ArrayDeque<>();
    /** Smaller-than-block buffers taken from the budget and not yet given back. */
    private final Set<byte[]> small = Collections.newSetFromMap(new IdentityHashMap<>());

    private int allocated;
    private long smallBytes;

    BlockUploader(BufferBudget budget, int blockSize, int maxConcurrentConnections) {
        this.budget = budget;
        this.blockSize = blockSize;
        this.maxHeld = (long) blockSize * (maxConcurrentConnections + 1);
        this.executor = Executors.newFixedThreadPool(maxConcurrentConnections, task -> {
            Thread thread = new Thread(task, "pgferry-upload-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    int blockSize() {
        return blockSize;
    }

    /**
     * A buffer to start a blob in: a free full one, else a small one, else a new full one; when the copy holds all it
     * may (or the budget has nothing for a copy that holds some), the next buffer its uploads give back.
     */
    byte[] start() {
        int size = Math.min(FIRST_BUFFER, blockSize);
        lock.lock();
        try {
            while (true) {
                byte[] pooled = free.poll();
                if (pooled != null) {
                    return pooled;
                }
                if (allocated == 0 && small.isEmpty()) {
                    // Nothing of this copy is uploading, so nothing waits for this lock while the budget is awaited.
                    budget.take(size);
                    return smallBuffer(size);
                }
                if (fits(size) && budget.tryTake(size)) {
                    return smallBuffer(size);
                }
                if (fits(blockSize) && budget.tryTake(blockSize)) {
                    allocated++;
                    return new byte[blockSize];
                }
                returned.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a block upload", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code current}'s first {@code used} bytes in a larger buffer (the block size at most), or null when no memory
     * is free now: the caller stages {@code current} as a block of its own.
     */
    byte[] grow(byte[] current, int used) {
        int size = (int) Math.min((long) current.length * 4, blockSize);
        byte[] bigger = null;
        lock.lock();
        try {
            if (size == blockSize) {
                bigger = free.poll();
                if (bigger == null && fits(blockSize) && budget.tryTake(blockSize)) {
                    allocated++;
                    bigger = new byte[blockSize];
                }
            } else if (fits(size) && budget.tryTake(size)) {
                bigger = smallBuffer(size);
            }
        } finally {
            lock.unlock();
        }
        if (bigger != null) {
            System.arraycopy(current, 0, bigger, 0, used);
            release(current);
        }
        return bigger;
    }

    /** Whether {@code more} bytes of buffers keep the copy within what it may hold. Call with the lock held. */
    private boolean fits(int more) {
        return (long) allocated * blockSize + smallBytes + more <= maxHeld;
    }

    /** Call with the lock held. */
    private byte[] smallBuffer(int size) {
        byte[] buffer = new byte[size];
        small.add(buffer);
        smallBytes += size;
        return buffer;
    }

    /** Hands back a buffer that was not staged, or whose upload has ended. */
    void release(byte[] buffer) {
        lock.lock();
        try {
            if (small.remove(buffer)) {
                smallBytes -= buffer.length;
                budget.give(buffer.length);
            } else if (buffer.length == blockSize) {
                free.add(buffer);
            }
            returned.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Uploads {@code buffer[0, length)} as an uncommitted block; the buffer is handed back when done. A buffer that
     * came from neither {@link #start()} nor {@link #grow} (a tar header) is simply dropped.
     */
    Future<?> stage(BlockBlobClient blob, String blockId, byte[] buffer, int length) {
        return executor.submit(() -> {
            try {
                blob.stageBlock(blockId, BinaryData.fromListByteBuffer(slices(buffer, length)));
            } finally {
                release(buffer);
            }
        });
    }

    /**
     * {@code buffer[0, length)} in slices of at most {@value #SLICE} bytes, views of it, not copies; an empty block is
     * one empty slice.
     */
    static List<ByteBuffer> slices(byte[] buffer, int length) {
        List<ByteBuffer> slices = new ArrayList<>(length / SLICE + 1);
        int offset = 0;
        do {
            slices.add(ByteBuffer.wrap(buffer, offset, Math.min(SLICE, length - offset))
                    .slice());
            offset += SLICE;
        } while (offset < length);
        return slices;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        lock.lock();
        try {
            budget.give((long) allocated * blockSize + smallBytes);
            allocated = 0;
            small.clear();
            smallBytes = 0;
            free.clear();
        } finally {
            lock.unlock();
        }
    }
}
