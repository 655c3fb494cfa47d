package io.pgferry.source.postgres;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.pgferry.contract.PostgresConnection;
import io.pgferry.contract.PostgresSource;

/**
 * One snapshot per database for a whole pipeline run (beyond ADF, which reads each activity at its own moment): the
 * first read of a database exports its snapshot from a transaction held open until the run ends, and every later
 * read of that database imports it. The cost: that transaction holds back vacuum on the source while the run lasts.
 */
public final class SharedSnapshots implements AutoCloseable {
    private final PostgresPools pools;
    private final Map<PostgresConnection, SourceSession> anchors = new LinkedHashMap<>();
    private long firstExportNanos = -1;

    public SharedSnapshots(PostgresPools pools) {
        this.pools = pools;
    }

    /** The snapshot every read of {@code source}'s database in this run sees. */
    public synchronized Optional<String> snapshotFor(PostgresSource source) throws SQLException {
        SourceSession anchor = anchors.get(source.connection());
        if (anchor == null) {
            anchor = SourceSession.open(pools, source, true, Map.of());
            try {
                anchor.exportSnapshot();
            } catch (SQLException | RuntimeException e) {
                anchor.close();
                throw e;
            }
            anchors.put(source.connection(), anchor);
            if (firstExportNanos < 0) {
                firstExportNanos = System.nanoTime();
            }
        }
        return anchor.exportedSnapshot();
    }

    /** The first database's snapshot, when any was read. */
    public synchronized Optional<String> first() {
        return anchors.values().stream().findFirst().flatMap(SourceSession::exportedSnapshot);
    }

    /** How long the oldest snapshot has been held: what the run cost the source's vacuum. */
    public synchronized long ageMillis() {
        return firstExportNanos < 0 ? 0 : (System.nanoTime() - firstExportNanos) / 1_000_000;
    }

    /** Ends every exporting transaction and gives its connection back, reset. */
    @Override
    public synchronized void close() {
        anchors.values().forEach(SourceSession::close);
        anchors.clear();
    }
}
