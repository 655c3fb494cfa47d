package io.pgferry.run;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.pgferry.contract.CopyException;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.WrittenFile;
import io.pgferry.format.PassThroughFormat;
import io.pgferry.sink.ChunkStore;
import io.pgferry.sink.RollingWriter;
import io.pgferry.sink.Sinks;
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.PostgresPools;

/**
 * Runs a copy: one pooled connection in a READ ONLY transaction, rows streamed from {@code COPY} into the sink's
 * chunks, every chunk committed at the end. Whatever fails, nothing becomes visible in the sink and the error names
 * the resource at fault.
 */
@ApplicationScoped
public class CopyRunner {
    private static final Logger LOG = Logger.getLogger(CopyRunner.class);

    private final PostgresPools pools;
    private final Sinks sinks;

    @Inject
    CopyRunner(PostgresPools pools, Sinks sinks) {
        this.pools = pools;
        this.sinks = sinks;
    }

    /**
     * @throws CopyException with the activity as its target when the copy fails
     */
    public RunStatistics run(CopyJob job) {
        String runId = UUID.randomUUID().toString();
        RunTimer timer = new RunTimer(Instant.now(), System.nanoTime());
        try {
            RunStatistics statistics = copy(job, runId, timer);
            LOG.infof("copy %s (%s): %d rows, %d bytes read, %d bytes in %d files, %d ms", runId, job.activityName(),
                    statistics.rowsCopied(), statistics.dataRead(), statistics.dataWritten(),
                    statistics.filesWritten(), timer.elapsedMillis());
            return statistics;
        } catch (CopyException e) {
            LOG.warnf("copy %s (%s) failed after %d ms: %s", runId, job.activityName(), timer.elapsedMillis(),
                    e.getMessage());
            throw e.withTarget(job.activityName());
        }
    }

    private RunStatistics copy(CopyJob job, String runId, RunTimer timer) {
        PostgresConnection source = job.source().connection();
        PassThroughFormat format = PassThroughFormat.of(job.sink().format());
        try (Connection connection = pools.connection(source)) {
            try {
                // Read-only, so a query that writes is refused by the server; UTC, so timestamptz text does not
                // depend on where the function runs. SET LOCAL ends with the transaction.
                connection.setAutoCommit(false);
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET LOCAL TimeZone = 'UTC'");
                }
                return transfer(job, runId, timer, connection, format);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw PostgresErrors.translate(e, source);
        }
    }

    private RunStatistics transfer(CopyJob job, String runId, RunTimer timer, Connection connection,
            PassThroughFormat format) throws SQLException {
        FileSink sink = job.sink();
        try (ChunkStore store = sinks.open(sink, runId);
                CopyOutReader reader = CopyOutReader.start(connection, format.copySql(job.source().selectSql()))) {
            RollingWriter output = new RollingWriter(store, sink.location(), sink.naming(), format.framing(reader),
                    format.contentType(), sink.compression());
            try {
                long rows = 0;
                if (format.copyRow(reader, output)) {
                    timer.firstByte();
                    rows++;
                    while (format.copyRow(reader, output)) {
                        rows++;
                    }
                }
                timer.readDone();
                List<WrittenFile> written = output.commit();
                return timer.statistics(runId, rows, reader.bytesRead(), written, sink);
            } catch (SQLException | RuntimeException e) {
                output.discard();
                if (e instanceof RuntimeException failure) {
                    throw store.translate(failure);
                }
                throw e;
            }
        }
    }
}
