package io.pgferry.contract;

/**
 * Block staging from {@code storeSettings}: block size and blocks uploaded at once. A copy holds at most
 * {@code blockSizeBytes × (maxConcurrentConnections + 1)} bytes of output in memory.
 */
public record BlockSettings(int blockSizeBytes, int maxConcurrentConnections) {
    private static final int MIN_BLOCK_BYTES = 4 * 1024 * 1024;

    public BlockSettings {
        if (blockSizeBytes < 1 || maxConcurrentConnections < 1) {
            throw new IllegalArgumentException("block size and concurrency must be positive");
        }
    }

    /**
     * These settings cut down so one slice's buffers (a block filling and one per upload in flight) take about
     * {@code bytes}: fewer uploads at once, then smaller blocks, never under 4 MiB or one upload.
     */
    public BlockSettings within(long bytes) {
        int block = (int) Math.min(blockSizeBytes, Math.max(MIN_BLOCK_BYTES, bytes / 2));
        int uploads = (int) Math.max(1, Math.min(maxConcurrentConnections, bytes / block - 1));
        return new BlockSettings(block, uploads);
    }
}
