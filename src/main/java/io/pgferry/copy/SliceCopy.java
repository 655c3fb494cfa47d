package io.pgferry.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FileSink;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.format.OutputFormat;
import io.pgferry.sink.ChunkSink;
import io.pgferry.sink.ChunkSinks;
import io.pgferry.sink.RollingWriter;
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.ReadOnlyCheck;
import io.pgferry.source.postgres.Slice;

/**
 * Reads one slice of a copy into its own chunks: rows from {@code COPY ... TO STDOUT}, encoded by the output format,
 * rolled into files by the sink's naming, finished but not committed. On failure its chunks are discarded.
 *
 * @param projection the SELECT that writes the copy's columns from a slice's SELECT
 * @param slices how many slices the copy has; with more than one, each slice's files carry its number
 * @param sliceBytes what each slice may buffer for its file format, and as much again for its uploads
 * @param trace where each slice's {@code pgferry.read} span hangs
 */
record SliceCopy(
        CopyJob job,
        RunControl control,
        OutputFormat format,
        UnaryOperator<String> projection,
        ChunkSinks sinks,
        int slices,
        long sliceBytes,
        CopyTelemetry.Slices trace) {
    /** Rows between progress reports. */
    private static final int PROGRESS_ROWS = 4096;

    /** @throws CopyException naming the source or the sink */
    SliceResult copy(Slice slice, Connection connection) {
        return trace.read(slice, () -> read(slice, connection));
    }

    private SliceResult read(Slice slice, Connection connection) {
        FileSink sink = job.sink();
        ChunkSink chunks = sinks.open(sink, job.runId(), sliceBytes);
        RollingWriter output = null;
        try (CopyOutReader reader = CopyOutReader.start(
                connection, format.copySql(projection.apply(slice.selectSql())), format.binaryCopy())) {
            output = new RollingWriter(
                    chunks,
                    sink.location(),
                    sink.naming(),
                    format.begin(reader),
                    format.contentType(),
                    sink.compression(),
                    slices > 1 ? OptionalInt.of(slice.index()) : OptionalInt.empty());
            long rows = 0;
            long firstRowNanos = -1;
            byte[] row = reader.next();
            if (row != null) {
                firstRowNanos = System.nanoTime();
                do {
                    output.row(row);
                    if (++rows % PROGRESS_ROWS == 0) {
                        control.addRows(PROGRESS_ROWS);
                    }
                    row = reader.next();
                } while (row != null);
                control.addRows(rows % PROGRESS_ROWS);
            }
            trace.uploads(output::finish);
            ReadOnlyCheck.assertNothingWritten(connection);
            return new SliceResult(slice, chunks, output, rows, reader.bytesRead(), firstRowNanos, null);
        } catch (SQLException | RuntimeException | OutOfMemoryError e) {
            if (output != null) {
                output.discard();
            }
            chunks.close();
            if (e instanceof OutOfMemoryError) {
                throw CopyException.of(
                        ErrorCode.OutOfMemory,
                        "the copy needed more memory than the function has;"
                                + " lower parallelCopies, blockSizeInMB or maxConcurrentConnections, or give the function a"
                                + " larger heap",
                        e);
            }
            if (e instanceof SQLException sqlFailure) {
                throw PostgresErrors.translate(sqlFailure, job.source().connection());
            }
            throw chunks.translate((RuntimeException) e);
        }
    }
}
