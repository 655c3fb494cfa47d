package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where in the database's history a copy read: the transaction snapshot ({@code txid_current_snapshot()}: xmin,
 * xmax and the transactions in flight) and the write-ahead log position (the replay position on a standby), as the
 * copy's manifest records them.
 */
public record SnapshotFacts(String snapshot, String walLsn) {
    /** The WAL functions' names from PostgreSQL 10 on. */
    private static final int WAL_NAMES_VERSION = 10;

    /** Reads them in the copy's transaction. */
    public static SnapshotFacts read(Connection connection) throws SQLException {
        String lsn = connection.getMetaData().getDatabaseMajorVersion() >= WAL_NAMES_VERSION
                ? "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END"
                : "CASE WHEN pg_is_in_recovery() THEN pg_last_xlog_replay_location()"
                        + " ELSE pg_current_xlog_location() END";
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT txid_current_snapshot()::text, (" + lsn + ")::text")) {
            row.next();
            return new SnapshotFacts(row.getString(1), row.getString(2));
        }
    }
}
