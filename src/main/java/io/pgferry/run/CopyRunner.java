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
import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.WrittenBlob;
import io.pgferry.format.RowOutput;
import io.pgferry.format.csv.CsvPassThrough;
import io.pgferry.sink.blob.BlobStore;
import io.pgferry.sink.blob.BlobTarget;
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.PostgresPools;

/**
 * Runs a copy: one pooled connection in a READ ONLY transaction, rows streamed from {@code COPY} into staged blob
 * blocks, every chunk committed at the end. Whatever fails, nothing becomes visible in the sink and the error names
 * the resource at fault.
 */
@ApplicationScoped
public class CopyRunner {
    private static final Logger LOG = Logger.getLogger(CopyRunner.class);

    private final PostgresPools pools;
    private final BlobStore blobStore;

    @Inject
    CopyRunner(PostgresPools pools, BlobStore blobStore) {
        this.pools = pools;
        this.blobStore = blobStore;
    }

    /**
     * @throws CopyException with the activity as its target when the copy fails
     */
    public RunStatistics run(CopyJob job) {
        String runId = UUID.randomUUID().toString();
        RunTimer timer = new RunTimer(Instant.now(), System.nanoTime());
        try {
            RunStatistics statistics = copy(job, runId, timer);
            LOG.infof("copy %s (%s): %d rows, %d bytes read, %d bytes in %d blobs, %d ms", runId, job.activityName(),
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
        CsvPassThrough csv = new CsvPassThrough(job.sink().format());
        try (Connection connection = pools.connection(source)) {
            try {
                // Read-only, so a query that writes is refused by the server; UTC, so timestamptz text does not
                // depend on where the function runs. SET LOCAL ends with the transaction.
                connection.setAutoCommit(false);
                connection.setReadOnly(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET LOCAL TimeZone = 'UTC'");
                }
                return transfer(job, runId, timer, connection, csv);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw PostgresErrors.translate(e, source);
        }
    }

    private RunStatistics transfer(CopyJob job, String runId, RunTimer timer, Connection connection,
            CsvPassThrough csv) throws SQLException {
        try (BlobTarget target = blobStore.open(job.sink(), runId)) {
            long rows = 0;
            long bytesRead;
            List<WrittenBlob> written;
            try (CopyOutReader reader = CopyOutReader.start(connection, csv.copySql(job.source().selectSql()))) {
                RowOutput output = target.output(csv.readHeader(reader), CsvPassThrough.CONTENT_TYPE);
                if (csv.copyRow(reader, output)) {
                    timer.firstByte();
                    rows++;
                    while (csv.copyRow(reader, output)) {
                        rows++;
                    }
                }
                timer.readDone();
                bytesRead = reader.bytesRead();
                written = target.commit();
            } catch (CopyException e) {
                throw e;
            } catch (RuntimeException e) {
                throw target.translate(e);
            }
            return timer.statistics(runId, rows, bytesRead, written, job.sink().blocks().maxConcurrentConnections());
        }
    }
}
