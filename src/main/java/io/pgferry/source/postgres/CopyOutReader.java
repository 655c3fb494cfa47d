package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Rows of a {@code COPY ... TO STDOUT}, one server message (one row) at a time, as PostgreSQL encoded them. The
 * caller owns the connection; {@link #close()} cancels the COPY on the server if it has not run to its end, so a
 * failed copy does not leave the backend streaming.
 */
public final class CopyOutReader implements AutoCloseable {
    private final CopyOut copyOut;
    private long bytesRead;

    private CopyOutReader(CopyOut copyOut) {
        this.copyOut = copyOut;
    }

    /**
     * Starts the COPY. The connection must stay open while the reader is; it is unwrapped for pgjdbc's COPY API but
     * never closed here (closing the pool's wrapper returns it to the pool).
     */
    public static CopyOutReader start(Connection connection, String copySql) throws SQLException {
        return new CopyOutReader(connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql));
    }

    /** The next row with its line terminator, or null at the end. */
    public byte[] next() throws SQLException {
        byte[] row = copyOut.readFromCopy();
        if (row != null) {
            bytesRead += row.length;
        }
        return row;
    }

    /** Bytes received from the server so far: what ADF calls {@code dataRead}. */
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws SQLException {
        if (copyOut.isActive()) {
            copyOut.cancelCopy();
        }
    }
}
