package io.pgferry.run;

import io.pgferry.sink.ChunkStore;
import io.pgferry.sink.RollingWriter;

/**
 * A slice read to its end: its files are finished but not yet committed.
 *
 * @param firstRowNanos {@link System#nanoTime()} when its first row arrived, or -1 for none
 */
record PartitionResult(Partition partition, ChunkStore store, RollingWriter writer, long rows, long bytesRead,
        long firstRowNanos) {
}
