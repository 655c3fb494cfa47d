package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import io.pgferry.contract.PostgresSource;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * The source connections of one copy, one per slice, each in a READ ONLY transaction (so a query that writes is
 * refused by the server). With several slices the first connection exports its snapshot and the others import it,
 * so together they read the tables at one moment, as a single read would. Closing ends every transaction and resets
 * every session before its connection goes back to the pool.
 */
public final class SourceSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SourceSession.class);
    /** How long ending a transaction and resetting its session may take before the connection is dropped. */
    private static final int RELEASE_TIMEOUT_MILLIS = 10_000;
    /** How much longer than the statement timeout a silent source connection is waited for. */
    private static final int SILENCE_MARGIN_MILLIS = 30_000;

    private final PostgresPools pools;
    private final PostgresSource source;
    private final Map<String, String> settings;
    /** Another thread may cancel (iterate) while slices are being opened. */
    private final List<Connection> connections = new CopyOnWriteArrayList<>();

    private Optional<String> exportedSnapshot = Optional.empty();

    private SourceSession(PostgresPools pools, PostgresSource source, Map<String, String> settings) {
        this.pools = pools;
        this.source = source;
        this.settings = Map.copyOf(settings);
    }

    /**
     * Opens the first connection; {@code sliced} asks for repeatable read, so its snapshot can be shared.
     *
     * @param settings custom settings (name to text) every transaction of the copy is given, as bind values
     *
     * @throws CopyException naming the source when it cannot be reached or refuses the login
     */
    public static SourceSession open(
            PostgresPools pools, PostgresSource source, boolean sliced, Map<String, String> settings)
            throws SQLException {
        return open(pools, source, sliced, settings, Optional.empty());
    }

    /**
     * As {@link #open(PostgresPools, PostgresSource, boolean, Map)}, reading in {@code shared}, a snapshot another
     * transaction exported and keeps open (a pipeline run's), when given.
     */
    public static SourceSession open(
            PostgresPools pools,
            PostgresSource source,
            boolean sliced,
            Map<String, String> settings,
            Optional<String> shared)
            throws SQLException {
        SourceSession session = new SourceSession(pools, source, settings);
        try {
            Connection leader = session.begin(sliced || shared.isPresent());
            if (shared.isPresent()) {
                importSnapshot(leader, shared.get());
                session.exportedSnapshot = shared;
            }
            session.applySettings(leader);
            return session;
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /** The connection that plans the copy and reads its first slice. */
    public Connection leader() {
        return connections.get(0);
    }

    /** The connection that reads slice {@code index}. */
    public Connection connection(int index) {
        return connections.get(index);
    }

    /** The snapshot the slices share, when there are several. */
    public Optional<String> exportedSnapshot() {
        return exportedSnapshot;
    }

    /**
     * Opens a connection for each further slice in the leader's snapshot, then sets every transaction's time zone
     * (timestamptz renders in it, UTC unless the linked service names one, so the output does not depend on where the
     * function runs) and statement timeout.
     */
    public void prepare(int slices) throws SQLException {
        if (slices > 1) {
            String snapshot = exportedSnapshot.orElse(null);
            if (snapshot == null) {
                snapshot = exportSnapshot(leader());
                exportedSnapshot = Optional.of(snapshot);
            }
            for (int i = 1; i < slices; i++) {
                Connection worker = begin(true);
                importSnapshot(worker, snapshot);
                applySettings(worker);
            }
        }
        for (Connection connection : connections) {
            // Local settings end with the transaction; the time zone, the payload's text, goes as a bind value.
            try (PreparedStatement timeZone = connection.prepareStatement("SELECT set_config('TimeZone', ?, true)")) {
                timeZone.setString(1, source.timeZone());
                timeZone.executeQuery().close();
            } catch (SQLException e) {
                throw PostgresErrors.translate(e, source.connection()).about(ErrorCode.Field.SOURCE_TIMEZONE);
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL statement_timeout = "
                        + source.statementTimeout().toMillis());
            }
            // The server ends a read that outlasts statement_timeout; a server that went silent (stalled, partitioned
            // away) cannot say so, and the socket gives up a little later instead.
            connection.setNetworkTimeout(Runnable::run, silenceLimitMillis(source.statementTimeout()));
        }
    }

    /**
     * PostgreSQL's estimate of a table's rows (its statistics' reltuples), or -1 when it has none (never analysed, or
     * a partitioned table's parent).
     */
    public long estimateRows(String table) throws SQLException {
        try (PreparedStatement statement = leader().prepareStatement(
                        "SELECT reltuples::bigint FROM pg_class WHERE oid = ?::regclass AND reltuples > 0")) {
            statement.setString(1, table);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getObject(1) != null ? row.getLong(1) : -1;
            }
        }
    }

    /**
     * Has the server parse every slice's SELECT on its own before any COPY runs, as {@link SourceColumn#describe} did
     * for the whole: ADF's placeholders put partition names and range conditions into the user's query text, and
     * whatever they produce must still be one statement returning the same columns.
     */
    public void describeSlices(List<SourceColumn> columns, List<Slice> slices) throws SQLException {
        for (Slice slice : slices) {
            if (!slice.selectSql().equals(source.selectSql())
                    && !SourceColumn.describe(leader(), slice.selectSql()).equals(columns)) {
                throw CopyException.of(
                        ErrorCode.SourceQueryFailed,
                        "the source query gives other columns for the" + " slice " + slice.range()
                                + " than for the whole copy",
                        null);
            }
        }
    }

    /** Stops every slice's COPY on the server; they fail with query_canceled. */
    public void cancelQueries() {
        for (Connection connection : connections) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.debugf("cancelling a slice failed: %s", e.getMessage());
            }
        }
    }

    /** How long a source connection may stay silent: the statement timeout and a margin, or no limit with none. */
    static int silenceLimitMillis(Duration statementTimeout) {
        if (statementTimeout.isZero()) {
            return 0;
        }
        return (int) Math.min(Integer.MAX_VALUE, statementTimeout.toMillis() + SILENCE_MARGIN_MILLIS);
    }

    /** Gives the leader's transaction more settings (name to text), as bind values. */
    public void set(Map<String, String> more) throws SQLException {
        try (PreparedStatement statement = leader().prepareStatement("SELECT set_config(?, ?, true)")) {
            for (Map.Entry<String, String> setting : more.entrySet()) {
                statement.setString(1, setting.getKey());
                statement.setString(2, setting.getValue());
                statement.executeQuery().close();
            }
        }
    }

    /** Exports the leader's snapshot, for other sessions to read in (a pipeline run's shared snapshot). */
    public String exportSnapshot() throws SQLException {
        String snapshot = exportSnapshot(leader());
        exportedSnapshot = Optional.of(snapshot);
        return snapshot;
    }

    /** Must be the transaction's first statement; the name is the server's own, checked when it was exported. */
    private static void importSnapshot(Connection connection, String snapshot) throws SQLException {
        if (!snapshot.matches("[0-9A-Fa-f-]+")) {
            throw new SQLException("unexpected snapshot name");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
        }
    }

    /** Gives the transaction the copy's settings; after {@code SET TRANSACTION SNAPSHOT}, which must come first. */
    private void applySettings(Connection connection) throws SQLException {
        if (settings.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT set_config(?, ?, true)")) {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                statement.setString(1, setting.getKey());
                statement.setString(2, setting.getValue());
                statement.executeQuery().close();
            }
        }
    }

    /** pgjdbc opens the transaction with the first statement. */
    private Connection begin(boolean repeatableRead) throws SQLException {
        Connection connection = pools.connection(source.connection());
        connections.add(connection);
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
     * Ends each connection's transaction, then resets its session ({@code DISCARD ALL}: advisory locks, settings,
     * temporary tables, prepared statements, LISTEN) so nothing a query did reaches the next copy. A connection that
     * cannot be reset, or whose COPY broke off (it was aborted), never goes back to the pool.
     */
    @Override
    public void close() {
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
}
