package io.pgferry.sink.blob;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.specialized.BlockBlobClient;

/**
 * Stages one copy's blocks in the background. It owns {@code maxConcurrentConnections} upload threads and at most
 * {@code maxConcurrentConnections + 1} block buffers: one being filled by the reading thread, the rest uploading or
 * queued. When none is free, {@link #buffer()} blocks, and so does reading from PostgreSQL: memory stays at
 * {@code blockSize × (maxConcurrentConnections + 1)} whatever the table size.
 *
 * <p>
 * The copy's thread calls {@link #buffer()} and {@link #stage}; {@link #close()} stops the threads.
 */
final class BlockUploader implements AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final int blockSize;
    private final int maxBuffers;
    private final BlockingQueue<byte[]> free;
    private final ExecutorService executor;
    private int allocated;

    BlockUploader(int blockSize, int maxConcurrentConnections) {
        this.blockSize = blockSize;
        this.maxBuffers = maxConcurrentConnections + 1;
        this.free = new ArrayBlockingQueue<>(maxBuffers);
        this.executor = Executors.newFixedThreadPool(maxConcurrentConnections, task -> {
            Thread thread = new Thread(task, "pgferry-upload-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** An empty block buffer, waiting for an upload to finish when all are in use. */
    byte[] buffer() {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (allocated < maxBuffers) {
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

    /** Hands back a buffer that was not staged. */
    void release(byte[] buffer) {
        free.add(buffer);
    }

    /** Uploads {@code buffer[0, length)} as an uncommitted block; the buffer returns to the pool when done. */
    Future<?> stage(BlockBlobClient blob, String blockId, byte[] buffer, int length) {
        return executor.submit(() -> {
            try {
                blob.stageBlock(blockId, BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, length)));
            } finally {
                free.add(buffer);
            }
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
