package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import org.jboss.logging.Logger;
import org.postgresql.jdbc.PgConnection;

/**
 * Drops a pooled connection that cannot be used again (its COPY broke off, its server went silent, its session could
 * not be reset). Agroal's own {@code abort} only retires the wrapper, leaving the physical connection open and its
 * place in the pool taken; so the driver's connection is aborted (its socket closed at once, without waiting for a
 * COPY that still holds it), then the wrapper is closed: the pool finds the connection dead and replaces it.
 */
public final class BrokenConnections {
    private static final Logger LOG = Logger.getLogger(BrokenConnections.class);

    private BrokenConnections() {}

    public static void drop(Connection pooled) {
        try {
            pooled.unwrap(PgConnection.class).abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("aborting a source connection failed: %s", e.getMessage());
        }
        try {
            pooled.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("handing a dropped source connection back failed: %s", e.getMessage());
        }
    }
}
