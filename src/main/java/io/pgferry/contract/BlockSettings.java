package io.pgferry.contract;

/**
 * Block staging from {@code storeSettings}: block size and blocks uploaded at once. A copy holds at most
 * {@code blockSizeBytes × (maxConcurrentConnections + 1)} bytes of output in memory.
 */
public record BlockSettings(int blockSizeBytes, int maxConcurrentConnections) {
    public BlockSettings {
        if (blockSizeBytes < 1 || maxConcurrentConnections < 1) {
            throw new IllegalArgumentException("block size and concurrency must be positive");
        }
    }
}
