package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Rows of a {@code COPY ... TO STDOUT}, one server message (one row) at a time, as PostgreSQL encoded them. A binary
 * COPY's signature header and trailer are taken off, so every message returned is one tuple. The caller owns the
 * connection; {@link #close()} cancels the COPY on the server if it has not run to its end, so a failed copy does not
 * leave the backend streaming, and reads what the server still sends, so the connection can be used again.
 */
public final class CopyOutReader implements AutoCloseable {
    /** "PGCOPY\n\377\r\n\0", then a flags word and the length of the header extension (both 0 today). */
    private static final byte[] BINARY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};

    private static final int BINARY_HEADER_LENGTH = BINARY_SIGNATURE.length + 8;

    private final Connection pooled;
    private final PGConnection connection;
    private final CopyOut copyOut;
    private final boolean binary;
    private boolean headerRead;
    private long bytesRead;

    private CopyOutReader(Connection pooled, PGConnection connection, CopyOut copyOut, boolean binary) {
        this.pooled = pooled;
        this.connection = connection;
        this.copyOut = copyOut;
        this.binary = binary;
    }

    /**
     * Starts the COPY. The connection must stay open while the reader is; it is unwrapped for pgjdbc's COPY API but
     * never closed here (closing the pool's wrapper returns it to the pool).
     *
     * @param binary the COPY is {@code FORMAT binary}
     */
    public static CopyOutReader start(Connection connection, String copySql, boolean binary) throws SQLException {
        PGConnection pgConnection = connection.unwrap(PGConnection.class);
        return new CopyOutReader(
                connection, pgConnection, pgConnection.getCopyAPI().copyOut(copySql), binary);
    }

    /** The next row (a text row with its line terminator, or a binary tuple), or null at the end. */
    public byte[] next() throws SQLException {
        byte[] row = copyOut.readFromCopy();
        if (row == null) {
            return null;
        }
        bytesRead += row.length;
        if (!binary) {
            return row;
        }
        if (!headerRead) {
            headerRead = true;
            if (row.length < BINARY_HEADER_LENGTH
                    || !Arrays.equals(row, 0, BINARY_SIGNATURE.length, BINARY_SIGNATURE, 0, BINARY_SIGNATURE.length)) {
                throw new SQLException("the server did not start its binary COPY with PGCOPY's signature");
            }
            // The header travels alone or with the first tuple.
            return row.length == BINARY_HEADER_LENGTH
                    ? next()
                    : Arrays.copyOfRange(row, BINARY_HEADER_LENGTH, row.length);
        }
        if (row.length == 2 && row[0] == (byte) 0xFF && row[1] == (byte) 0xFF) {
            // The trailer (a field count of -1): read on to the end of the COPY.
            return next();
        }
        return row;
    }

    /** Bytes received from the server so far: what ADF calls {@code dataRead}. */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * pgjdbc's own {@code CopyOut.cancelCopy()} leaves the connection out of step with the server (the next statement
     * reads the COPY's leftovers), so the query is cancelled on the server and the stream read to its end or to the
     * cancellation error.
     */
    @Override
    public void close() throws SQLException {
        if (!copyOut.isActive()) {
            return;
        }
        try {
            connection.cancelQuery();
            while (copyOut.readFromCopy() != null) {
                // discard what was sent before the cancel took effect
            }
        } catch (SQLException expected) {
            // query_canceled ends the COPY; a broken connection does not (checked below)
        } catch (RuntimeException | Error e) {
            BrokenConnections.drop(pooled);
            throw e;
        }
        if (copyOut.isActive()) {
            // The COPY still owns the connection (its server went away mid-stream, or draining failed), and a
            // rollback would wait for it forever: the connection is dropped from the pool instead.
            BrokenConnections.drop(pooled);
        }
    }
}
