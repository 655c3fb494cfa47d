package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * The proof that a copy only read: its transaction was never given a transaction id. PostgreSQL assigns one at the
 * first write of any kind, including those a {@code READ ONLY} transaction still allows (a large object created by
 * {@code lo_creat} or {@code lo_import}, say); the transaction is rolled back either way, but a copy that tried to
 * write is refused and its output dropped.
 */
public final class ReadOnlyCheck {
    /** {@code txid_current_if_assigned()} exists from PostgreSQL 10. */
    private static final int FIRST_VERSION = 100000;

    private ReadOnlyCheck() {}

    /**
     * Call after the COPY has ended, in the copy's transaction.
     *
     * @throws CopyException {@code SourceQueryNotReadOnly} when the transaction wrote
     */
    public static void assertNothingWritten(Connection connection) throws SQLException {
        if (connection.getMetaData().getDatabaseMajorVersion() * 10000 < FIRST_VERSION) {
            return;
        }
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT txid_current_if_assigned() IS NOT NULL")) {
            if (row.next() && row.getBoolean(1)) {
                throw CopyException.of(
                        ErrorCode.SourceQueryNotReadOnly,
                        "the source query must only read, but it"
                                + " wrote (it was given a transaction id); nothing was kept, on the server or in the sink",
                        null);
            }
        }
    }
}
