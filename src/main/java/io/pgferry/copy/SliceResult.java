package io.pgferry.copy;

import io.pgferry.contract.SliceOutcome;
import io.pgferry.sink.ChunkSink;
import io.pgferry.sink.RollingWriter;
import io.pgferry.source.postgres.Slice;

/**
 * A slice read to its end: its files are finished but not yet committed.
 *
 * @param firstRowNanos {@link System#nanoTime()} when its first row arrived, or -1 for none
 * @param remote the report of the instance that read it, for a fanned-out copy; null when this instance did
 */
record SliceResult(
        Slice slice,
        ChunkSink chunks,
        RollingWriter writer,
        long rows,
        long bytesRead,
        long firstRowNanos,
        SliceOutcome remote) {}
