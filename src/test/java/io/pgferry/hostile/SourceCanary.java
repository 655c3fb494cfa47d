package io.pgferry.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.pgferry.testing.TestingPostgres;

/**
 * The server state a hostile copy must leave as it found it: a canary table ({@value #TABLE}) and sequence
 * ({@value #SEQUENCE}) that attacks try to change, and the catalogue counts a smuggled statement would move. Take a
 * {@link #snapshot()} after the test's own set-up, post the hostile copy, then {@link #assertNothingHappened}.
 *
 * <p>
 * "Nothing happened" (the hostile-input contract): the canary's rows (an md5 over all of them) and sequence unchanged,
 * no new relation in the database (pg_class, temporary tables of pooled sessions included), schema, role, database or
 * large object, no advisory lock held by anyone, and no session of the test role left {@code idle in transaction}
 * once the copy has answered.
 */
public final class SourceCanary {
    public static final String SCHEMA = "canary";
    /** Short on purpose: attacks spell it inside identifiers, which PostgreSQL cuts at 63 bytes. */
    public static final String TABLE = "canary.rows";

    public static final String SEQUENCE = "canary.seq";
    private static final int ROWS = 64;
    private static final String CHECKSUM_SQL = "SELECT md5(coalesce(string_agg(id || ':' || v, ',' ORDER BY id), ''))"
            + " || '/' || count(*) FROM " + TABLE;
    private static final String EXPECTED_ROWS_SQL = "SELECT i, 'row ' || i || E' \\'quoted\\' \"double\" ;--'"
            + " || md5(i::text) FROM generate_series(1, " + ROWS + ") i";
    /** How long a pooled connection may take to end its transaction after the copy answered. */
    private static final long SETTLE_MILLIS = 500;

    private final TestingPostgres postgres;
    private String expectedChecksum;

    public SourceCanary(TestingPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * What the catalogue and the canary look like.
     *
     * @param checksum md5 of the canary's rows, and their count
     * @param sequence the canary sequence's {@code last_value} and {@code is_called}
     */
    public record Snapshot(
            String checksum,
            String sequence,
            long relations,
            long namespaces,
            long roles,
            long databases,
            long largeObjects) {}

    /**
     * Creates the canary when missing and restores its rows and sequence when an earlier (failing) test changed
     * them, so one test's damage is reported by that test only.
     */
    public void reset() {
        postgres.execute(
                "CREATE SCHEMA IF NOT EXISTS " + SCHEMA,
                "CREATE TABLE IF NOT EXISTS " + TABLE + " (id int PRIMARY KEY, v text NOT NULL)",
                "CREATE SEQUENCE IF NOT EXISTS " + SEQUENCE);
        if (expectedChecksum == null) {
            expectedChecksum = query("SELECT md5(string_agg(i || ':' || v, ',' ORDER BY i)) || '/' || count(*)"
                            + " FROM (" + EXPECTED_ROWS_SQL + ") AS e(i, v)")
                    .get(0);
        }
        if (!expectedChecksum.equals(query(CHECKSUM_SQL).get(0))) {
            postgres.execute("TRUNCATE " + TABLE, "INSERT INTO " + TABLE + " " + EXPECTED_ROWS_SQL);
        }
        if (!query("SELECT last_value || ',' || is_called FROM " + SEQUENCE)
                .get(0)
                .equals("1,false")) {
            postgres.execute("SELECT setval('" + SEQUENCE + "', 1, false)");
        }
    }

    public Snapshot snapshot() {
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT (" + CHECKSUM_SQL + "),"
                        + " (SELECT last_value || ',' || is_called FROM " + SEQUENCE + "),"
                        + " (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_namespace),"
                        + " (SELECT count(*) FROM pg_roles), (SELECT count(*) FROM pg_database),"
                        + " (SELECT count(*) FROM pg_largeobject_metadata)")) {
            row.next();
            return new Snapshot(
                    row.getString(1),
                    row.getString(2),
                    row.getLong(3),
                    row.getLong(4),
                    row.getLong(5),
                    row.getLong(6),
                    row.getLong(7));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the canary: " + e.getMessage(), e);
        }
    }

    /**
     * Asserts that nothing changed since {@code before}, that no advisory lock is held and that no session of the
     * test role is idle in a transaction (polled for a moment: the pool may still be ending the copy's transaction).
     */
    public void assertNothingHappened(Snapshot before) {
        assertThat(snapshot())
                .as("the canary rows and sequence, and the counts of relations, schemas, roles,"
                        + " databases and large objects")
                .isEqualTo(before);
        assertThat(settled("SELECT locktype || ' ' || coalesce(classid::text, '') || '/' || coalesce(objid::text, '')"
                        + " || ' held by ' || pid FROM pg_locks WHERE locktype = 'advisory'"))
                .as("advisory locks held once the copy answered")
                .isEmpty();
        assertThat(settled("SELECT pid || ' ' || state || ': ' || left(query, 200) FROM pg_stat_activity"
                        + " WHERE usename = current_user AND pid <> pg_backend_pid()"
                        + " AND state LIKE 'idle in transaction%'"))
                .as("sessions idle in a transaction once the copy answered")
                .isEmpty();
    }

    /** The advisory locks on {@code key} (one bigint key: PostgreSQL keeps its low half in objid), polled a moment. */
    public List<String> advisoryLocksOn(long key) {
        return settled("SELECT 'held by ' || pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
                + " AND objid = " + (key & 0xFFFFFFFFL) + " AND classid = " + (key >>> 32));
    }

    /**
     * Ends the sessions an earlier assertion found leaking (holding an advisory lock, idle in a transaction, or still
     * running a statement that names the canary after its copy answered or timed out), so the next test starts clean
     * and a stuck copy lets go of its thread. Returns how many were ended.
     */
    public int endLeakingSessions() {
        return query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                        + " AND usename = current_user AND (state LIKE 'idle in transaction%'"
                        + " OR (state <> 'idle' AND query LIKE '%" + TABLE + "%')"
                        + " OR pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory'))")
                .stream()
                .mapToInt(Integer::parseInt)
                .sum();
    }

    /** The rows of {@code sql} once they are gone, or as they still are after {@link #SETTLE_MILLIS}. */
    private List<String> settled(String sql) {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        List<String> rows = query(sql);
        while (!rows.isEmpty() && System.nanoTime() < deadline) {
            pause(50);
            rows = query(sql);
        }
        return rows;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private List<String> query(String sql) {
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("canary query failed: " + e.getMessage(), e);
        }
    }
}
