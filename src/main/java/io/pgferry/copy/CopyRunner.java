package io.pgferry.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import io.pgferry.error.CopyException;
import io.pgferry.contract.CopyJob;
import io.pgferry.error.ErrorCode;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.WrittenFile;
import io.pgferry.format.OutputFormat;
import io.pgferry.format.OutputFormats;
import io.pgferry.sink.ChunkSink;
import io.pgferry.sink.RollingWriter;
import io.pgferry.sink.ChunkSinks;
import io.pgferry.source.postgres.BrokenConnections;
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.PostgresPools;
import io.pgferry.source.postgres.ReadOnlyCheck;
import io.pgferry.source.postgres.SnapshotFacts;
import io.pgferry.source.postgres.SourceColumn;
import io.pgferry.source.postgres.SqlLiteral;
import io.pgferry.source.postgres.Slice;
import io.pgferry.source.postgres.SlicePlanner;

/**
 * Runs a copy: pooled connections in READ ONLY transactions, rows streamed from {@code COPY} into the sink's chunks,
 * every chunk committed only once every slice has been read. Whatever fails, nothing becomes visible in the sink and
 * the error names the resource at fault.
 *
 * <p>
 * With {@code parallelCopies} above 1 a table is read in slices (see {@link SlicePlanner}), one connection and
 * thread each. The first connection exports its snapshot and the others import it, so the slices together are exactly
 * the table at one moment, as a single read would be. A failing slice cancels the others' queries.
 */
@ApplicationScoped
public class CopyRunner {
    private static final Logger LOG = Logger.getLogger(CopyRunner.class);
    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Rows between progress reports. */
    private static final int PROGRESS_ROWS = 4096;
    /** How long ending a transaction and resetting its session may take before the connection is dropped. */
    private static final int RELEASE_TIMEOUT_MILLIS = 10_000;
    /** How much longer than the statement timeout a silent source connection is waited for. */
    private static final int SILENCE_MARGIN_MILLIS = 30_000;

    private final PostgresPools pools;
    private final ChunkSinks sinks;
    private final Admission admission;

    @Inject
    CopyRunner(PostgresPools pools, ChunkSinks sinks, Admission admission) {
        this.pools = pools;
        this.sinks = sinks;
        this.admission = admission;
    }

    /**
     * A place for one more copy on this instance, to pass to {@link #run(CopyJob, RunControl, Admission.Ticket)}
     * later (a copy started in the background is refused before it is answered, not after).
     *
     * @throws CopyException 503 {@code InstanceBusy} when the instance runs as many copies as it may
     */
    public Admission.Ticket admit() {
        return admission.admit();
    }

    /**
     * @param control reports progress and lets another thread cancel the copy
     * @throws CopyException with the activity as its target when the copy fails ({@code RunCancelled} when cancelled),
     *         or 503 {@code InstanceBusy} when the instance runs as many copies as it may
     */
    public RunStatistics run(CopyJob job, RunControl control) {
        return run(job, control, admission.admit());
    }

    /** As {@link #run(CopyJob, RunControl)} with a place already taken; the place is given back when it ends. */
    public RunStatistics run(CopyJob job, RunControl control, Admission.Ticket ticket) {
        String runId = job.runId();
        RunTimer timer = new RunTimer(Instant.now(), System.nanoTime());
        try (ticket) {
            RunStatistics statistics = copy(job, runId, timer, control, ticket);
            LOG.infof("copy %s (%s): %d rows, %d bytes read, %d bytes in %d files, %d slices, %d ms", runId,
                    job.activityName(), statistics.rowsCopied(), statistics.dataRead(), statistics.dataWritten(),
                    statistics.filesWritten(), statistics.usedParallelCopies(), timer.elapsedMillis());
            return statistics;
        } catch (CopyException e) {
            CopyException failure = (control.cancelled() ? control.cancellation() : e).atField(job.pointers());
            LOG.warnf("copy %s (%s) failed after %d ms: %s", runId, job.activityName(), timer.elapsedMillis(),
                    failure.getMessage());
            throw failure.withTarget(job.activityName());
        }
    }

    private RunStatistics copy(CopyJob job, String runId, RunTimer timer, RunControl control,
            Admission.Ticket ticket) {
        PostgresConnection source = job.source().connection();
        // Another thread may cancel (iterate) while slices are being opened.
        List<Connection> connections = new CopyOnWriteArrayList<>();
        try {
            Connection leader = begin(pools.connection(source), connections, job.parallelCopies() > 1);
            control.onCancel(() -> cancelQueries(connections));
            if (job.source().query().isEmpty()) {
                control.estimate(estimateRows(leader, job.source().table().orElseThrow().quoted()));
            }
            List<SourceColumn> columns = SourceColumn.describe(leader, job.source().selectSql());
            List<Slice> partitions = SlicePlanner.plan(leader, job.source(), job.parallelCopies());
            describeSlices(leader, job.source().selectSql(), columns, partitions);
            long sliceBytes = ticket.sliceBytes(partitions.size());
            OutputFormat format = OutputFormats.of(job.sink().format(), columns, sliceBytes);
            Optional<String> exported = Optional.empty();
            if (partitions.size() > 1) {
                String snapshot = exportSnapshot(leader);
                exported = Optional.of(snapshot);
                for (int i = 1; i < partitions.size(); i++) {
                    Connection worker = begin(pools.connection(source), connections, true);
                    try (Statement statement = worker.createStatement()) {
                        statement.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                    }
                }
            }
            for (Connection connection : connections) {
                try (Statement statement = connection.createStatement()) {
                    // The time zone renders timestamptz (UTC unless the linked service names one), so the output
                    // does not depend on where the function runs. SET LOCAL ends with the transaction.
                    try {
                        statement.execute("SET LOCAL TimeZone = " + SqlLiteral.of(job.source().timeZone()));
                    } catch (SQLException e) {
                        throw PostgresErrors.translate(e, source).about(ErrorCode.Field.SOURCE_TIMEZONE);
                    }
                    statement.execute("SET LOCAL statement_timeout = "
                            + job.source().statementTimeout().toMillis());
                }
                // The server ends a read that outlasts statement_timeout; a server that went silent (stalled,
                // partitioned away) cannot say so, and the socket gives up a little later instead.
                connection.setNetworkTimeout(Runnable::run, silenceLimitMillis(job.source().statementTimeout()));
            }
            Manifest.Read read = new Manifest.Read(columns, SnapshotFacts.read(leader), exported);
            if (control.cancelled()) {
                throw control.cancellation();
            }
            return transfer(job, runId, timer, control, format, partitions, connections, sliceBytes, read);
        } catch (SQLException e) {
            throw PostgresErrors.translate(e, source);
        } finally {
            control.ended();
            release(connections);
        }
    }

    /** How long a source connection may stay silent: the statement timeout and a margin, or no limit with none. */
    static int silenceLimitMillis(Duration statementTimeout) {
        if (statementTimeout.isZero()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, statementTimeout.toMillis() + SILENCE_MARGIN_MILLIS);
    }

    /**
     * PostgreSQL's estimate of a table's rows (its statistics' reltuples), or -1 when it has none (never analysed, or
     * a partitioned table's parent).
     */
    private static long estimateRows(Connection connection, String table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = ?::regclass AND reltuples > 0")) {
            statement.setString(1, table);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getObject(1) != null ? row.getLong(1) : -1;
            }
        }
    }

    /**
     * Read-only, so a query that writes is refused by the server; repeatable read where slices share a snapshot.
     * pgjdbc opens the transaction with the first statement.
     */
    private static Connection begin(Connection connection, List<Connection> opened, boolean repeatableRead)
            throws SQLException {
        opened.add(connection);
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        if (repeatableRead) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        return connection;
    }

    private static String exportSnapshot(Connection leader) throws SQLException {
        try (Statement statement = leader.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_export_snapshot()")) {
            row.next();
            String snapshot = row.getString(1);
            if (!snapshot.matches("[0-9A-Fa-f-]+")) {
                throw new SQLException("unexpected snapshot name from pg_export_snapshot()");
            }
            return snapshot;
        }
    }

    /**
     * Has the server parse every slice's SELECT on its own before any COPY runs, as {@link SourceColumn#describe} did
     * for the whole: ADF's placeholders put partition names and range conditions into the user's query text, and
     * whatever they produce must still be one statement returning the same columns.
     */
    private static void describeSlices(Connection leader, String selectSql, List<SourceColumn> columns,
            List<Slice> partitions) throws SQLException {
        for (Slice partition : partitions) {
            if (!partition.selectSql().equals(selectSql)
                    && !SourceColumn.describe(leader, partition.selectSql()).equals(columns)) {
                throw CopyException.of(ErrorCode.SourceQueryFailed, "the source query gives other columns for the"
                        + " slice " + partition.range() + " than for the whole copy", null);
            }
        }
    }

    /**
     * Ends each connection's transaction, then resets its session ({@code DISCARD ALL}: advisory locks, settings,
     * temporary tables, prepared statements, LISTEN) so nothing a query did reaches the next copy. A connection that
     * cannot be reset, or whose COPY broke off (it was aborted), never goes back to the pool.
     */
    private static void release(List<Connection> connections) {
        for (Connection connection : connections) {
            try {
                if (connection.isClosed()) {
                    continue;
                }
                connection.setNetworkTimeout(Runnable::run, RELEASE_TIMEOUT_MILLIS);
                connection.rollback();
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("DISCARD ALL");
                }
                connection.setNetworkTimeout(Runnable::run, 0);
                connection.close();
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("resetting a source connection failed, dropping it: %s", e.getMessage());
                BrokenConnections.drop(connection);
            }
        }
    }

    /** @param sliceBytes what each slice may buffer for its file format, and as much again for its uploads */
    private RunStatistics transfer(CopyJob job, String runId, RunTimer timer, RunControl control,
            OutputFormat format, List<Slice> partitions, List<Connection> connections, long sliceBytes,
            Manifest.Read read) {
        List<SliceResult> results = partitions.size() == 1
                ? List.of(copyPartition(job, runId, control, format, partitions.get(0), connections.get(0), 1,
                        sliceBytes))
                : copyInParallel(job, runId, control, format, partitions, connections, sliceBytes);
        timer.readDone();
        try {
            if (results.stream().mapToLong(SliceResult::rows).sum() == 0) {
                results.get(0).writer().ensureFile();
            }
            Publication.Published published = Publication.publish(job, results, read, timer.start());
            return timer.statistics(runId, results, published, job);
        } catch (CopyException e) {
            results.forEach(result -> result.writer().discard());
            throw e;
        } finally {
            results.forEach(result -> result.store().close());
        }
    }

    private List<SliceResult> copyInParallel(CopyJob job, String runId, RunControl control,
            OutputFormat format, List<Slice> partitions, List<Connection> connections, long sliceBytes) {
        ExecutorService executor = Executors.newFixedThreadPool(partitions.size(), task -> {
            Thread thread = new Thread(task, "pgferry-slice-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<SliceResult> completion = new ExecutorCompletionService<>(executor);
            List<Future<SliceResult>> futures = new ArrayList<>();
            for (Slice partition : partitions) {
                Connection connection = connections.get(partition.index());
                futures.add(completion.submit(
                        () -> copyPartition(job, runId, control, format, partition, connection,
                                partitions.size(), sliceBytes)));
            }
            CopyException failure = null;
            for (int i = 0; i < partitions.size(); i++) {
                try {
                    completion.take().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof CopyException)) {
                        // A bug: the caller gets InternalError, the log the cause.
                        LOG.errorf(e.getCause(), "a slice of copy %s failed", runId);
                    }
                    if (failure == null) {
                        failure = e.getCause() instanceof CopyException copyException ? copyException
                                : CopyException.internalError(e.getCause());
                        cancelQueries(connections);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw CopyException.of(ErrorCode.Interrupted, "the copy was interrupted", e);
                }
            }
            // Every slice has ended by now: get() no longer waits, and fails for the slices that failed.
            List<SliceResult> results = new ArrayList<>();
            for (Future<SliceResult> future : futures) {
                try {
                    results.add(future.get());
                } catch (ExecutionException | InterruptedException e) {
                    // reported through failure
                }
            }
            if (failure != null) {
                results.forEach(result -> {
                    result.writer().discard();
                    result.store().close();
                });
                throw failure;
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    /** Stops the other slices' COPY on the server; they fail with query_canceled, which is not reported. */
    private static void cancelQueries(List<Connection> connections) {
        for (Connection connection : connections) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.debugf("cancelling a slice failed: %s", e.getMessage());
            }
        }
    }

    /**
     * Reads one slice into its own chunk sequence and finishes its files without committing them. On failure its
     * chunks are discarded and its store closed.
     *
     * @throws CopyException naming the source or the sink
     */
    private SliceResult copyPartition(CopyJob job, String runId, RunControl control, OutputFormat format,
            Slice partition, Connection connection, int slices, long sliceBytes) {
        FileSink sink = job.sink();
        ChunkSink store = sinks.open(sink, runId, sliceBytes);
        RollingWriter output = null;
        try (CopyOutReader reader = CopyOutReader.start(connection, format.copySql(partition.selectSql()),
                format.binaryCopy())) {
            output = new RollingWriter(store, sink.location(), sink.naming(), format.begin(reader),
                    format.contentType(), sink.compression(),
                    slices > 1 ? OptionalInt.of(partition.index()) : OptionalInt.empty());
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
            output.finish();
            ReadOnlyCheck.assertNothingWritten(connection);
            return new SliceResult(partition, store, output, rows, reader.bytesRead(), firstRowNanos);
        } catch (SQLException | RuntimeException | OutOfMemoryError e) {
            if (output != null) {
                output.discard();
            }
            store.close();
            if (e instanceof OutOfMemoryError) {
                throw CopyException.of(ErrorCode.OutOfMemory, "the copy needed more memory than the function has;"
                        + " lower parallelCopies, blockSizeInMB or maxConcurrentConnections, or give the function a"
                        + " larger heap", e);
            }
            if (e instanceof SQLException sqlFailure) {
                throw PostgresErrors.translate(sqlFailure, job.source().connection());
            }
            throw store.translate((RuntimeException) e);
        }
    }
}
