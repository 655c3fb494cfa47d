package io.pgferry.sink.blob;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.specialized.BlockBlobClient;

/**
 * Stages one copy's blocks in the background. It owns {@code maxConcurrentConnections} upload threads and at most
 * {@code maxConcurrentConnections + 1} full-size block buffers: one being filled by the reading thread, the rest
 * uploading or queued. When none is free, reading waits, and so does PostgreSQL: memory stays at
 * {@code blockSize × (maxConcurrentConnections + 1)} whatever the table size.
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

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final BufferBudget budget;
    private final int blockSize;
    private final int maxBuffers;
    private final BlockingQueue<byte[]> free;
    /** Smaller-than-block buffers taken from the budget and not yet given back. */
    private final Set<byte[]> small = ConcurrentHashMap.newKeySet();

    private final ExecutorService executor;
    private int allocated;

    BlockUploader(BufferBudget budget, int blockSize, int maxConcurrentConnections) {
        this.budget = budget;
        this.blockSize = blockSize;
        this.maxBuffers = maxConcurrentConnections + 1;
        this.free = new ArrayBlockingQueue<>(maxBuffers);
        this.executor = Executors.newFixedThreadPool(maxConcurrentConnections, task -> {
            Thread thread = new Thread(task, "pgferry-upload-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    int blockSize() {
        return blockSize;
    }

    /** A buffer to start a blob in: a free full one, else a small one. */
    byte[] start() {
        byte[] pooled = free.poll();
        if (pooled != null) {
            return pooled;
        }
        int size = Math.min(FIRST_BUFFER, blockSize);
        if (allocated == 0 && small.isEmpty()) {
            budget.take(size);
        } else if (!budget.tryTake(size)) {
            return fullBuffer();
        }
        return smallBuffer(size);
    }

    /**
     * {@code current}'s first {@code used} bytes in a larger buffer (the block size at most), or null when no memory
     * is free now: the caller stages {@code current} as a block of its own.
     */
    byte[] grow(byte[] current, int used) {
        int size = (int) Math.min((long) current.length * 4, blockSize);
        byte[] bigger;
        if (size == blockSize) {
            bigger = free.poll();
            if (bigger == null && allocated < maxBuffers && budget.tryTake(blockSize)) {
                allocated++;
                bigger = new byte[blockSize];
            }
        } else {
            bigger = budget.tryTake(size) ? smallBuffer(size) : null;
        }
        if (bigger != null) {
            System.arraycopy(current, 0, bigger, 0, used);
            release(current);
        }
        return bigger;
    }

    /** A full-size buffer: a free one, a new one while this copy may have more, else the next one uploaded. */
    private byte[] fullBuffer() {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated < maxBuffers && budget.tryTake(blockSize)) {
            allocated++;
            return new byte[blockSize];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a block upload", e);
        }
    }

    private byte[] smallBuffer(int size) {
        byte[] buffer = new byte[size];
        small.add(buffer);
        return buffer;
    }

    /** Hands back a buffer that was not staged. */
    void release(byte[] buffer) {
        if (small.remove(buffer)) {
            budget.give(buffer.length);
        } else if (buffer.length == blockSize) {
            free.add(buffer);
        }
    }

    /**
     * Uploads {@code buffer[0, length)} as an uncommitted block; the buffer is handed back when done. A buffer that
     * came from neither {@link #start()} nor {@link #grow} (a tar header) is simply dropped.
     */
    Future<?> stage(BlockBlobClient blob, String blockId, byte[] buffer, int length) {
        return executor.submit(() -> {
            try {
                blob.stageBlock(blockId, BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, length)));
            } finally {
                release(buffer);
            }
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        budget.give((long) allocated * blockSize);
        allocated = 0;
        small.removeIf(buffer -> {
            budget.give(buffer.length);
            return true;
        });
    }
}
