package io.pgferry.copy;

import io.pgferry.sink.ChunkSink;
import io.pgferry.sink.RollingWriter;
import io.pgferry.source.postgres.Slice;

/**
 * A slice read to its end: its files are finished but not yet committed.
 *
 * @param firstRowNanos {@link System#nanoTime()} when its first row arrived, or -1 for none
 */
record SliceResult(
        Slice slice, ChunkSink chunks, RollingWriter writer, long rows, long bytesRead, long firstRowNanos) {}
