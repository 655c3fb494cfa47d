package io.pgferry.source.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.pgferry.contract.Incremental;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.Watermark;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.Violation;

/**
 * The read of an incremental copy, in the copy's snapshot S. With the last run's watermark W (its column's highest
 * value) and snapshot P, it copies the rows with {@code W < column <= H} (H: the column's highest value in S) and the
 * rows with {@code column <= W} whose transaction P did not see, that is one in flight then ({@code xip}) or begun
 * since ({@code xmin >= xmax}). By induction every row version visible in S with {@code column <= H} is copied by
 * exactly one run up to this one; this run stores {@code (max(W, H), S)} once its output is committed. Values reach
 * the SQL only as settings given as bind values; names only quoted.
 *
 * <p>
 * Transaction ids are compared as PostgreSQL stores them in rows, 32 bits wide, within the window of ids assigned
 * between P and S: a database whose 4-billion-id counter has wrapped since a row was frozen could see that row's old
 * id fall in a window once, and copy it again.
 */
public final class IncrementalSql {
    /** Types a watermark column may have: PostgreSQL's names, as the server describes the column. */
    private static final Set<String> TYPES =
            Set.of("int2", "int4", "int8", "numeric", "date", "timestamp", "timestamptz");

    private static final long XID_SPACE = 1L << 32;

    private IncrementalSql() {}

    /**
     * @param selectSql the SELECT that reads this run's rows
     * @param next the watermark to store once the output is committed
     */
    public record Plan(String selectSql, Watermark next) {}

    /**
     * @param columns the table's columns, as the server described them
     * @throws CopyException {@code WatermarkColumnInvalid} pointing at the request when the column is missing, of
     *     another type, or not the one the state key's watermark was kept for
     */
    public static Plan plan(
            SourceSession session,
            PostgresSource source,
            Incremental incremental,
            Optional<Watermark> previous,
            List<SourceColumn> columns,
            String runId)
            throws SQLException {
        SourceColumn column = columns.stream()
                .filter(candidate -> candidate.name().equals(incremental.column()))
                .findFirst()
                .orElseThrow(() -> refused(incremental, "names '" + incremental.column() + "', which the table lacks"));
        if (!TYPES.contains(column.typeName())) {
            throw refused(
                    incremental,
                    "names a column of type " + column.typeName() + "; a watermark column holds"
                            + " integers, numerics, dates or timestamps");
        }
        if (previous.isPresent() && !previous.get().column().equals(column.name())) {
            throw refused(
                    incremental,
                    "names '" + column.name() + "', but the watermark kept under this stateKey is" + " for '"
                            + previous.get().column() + "'; give another stateKey");
        }
        String table = source.table().orElseThrow().quoted();
        String name = ProjectionSql.quote(column.name());
        String type = column.typeName();
        Optional<String> low = previous.map(Watermark::high);
        Map<String, String> settings = new LinkedHashMap<>();
        String where;
        if (low.isEmpty()) {
            where = name + " <= current_setting('pgferry.watermark_high')::" + type;
        } else {
            settings.put("pgferry.watermark_low", low.get());
            Snapshot last = Snapshot.parse(previous.get().snapshot());
            settings.put("pgferry.watermark_xmax", Long.toString(last.xmax() % XID_SPACE));
            settings.put(
                    "pgferry.watermark_xip",
                    last.xip().stream()
                            .map(xid -> Long.toString(xid % XID_SPACE))
                            .collect(Collectors.joining(",")));
            String lowValue = "current_setting('pgferry.watermark_low')::" + type;
            where = "(" + name + " > " + lowValue + " AND " + name + " <= current_setting('pgferry.watermark_high')::"
                    + type + ") OR (" + name + " <= " + lowValue + " AND ((xmin::text::bigint"
                    + " - current_setting('pgferry.watermark_xmax')::bigint + " + XID_SPACE + ") % " + XID_SPACE
                    + " < current_setting('pgferry.watermark_window')::bigint OR xmin::text::bigint = ANY("
                    + "string_to_array(nullif(current_setting('pgferry.watermark_xip'), ''), ',')::bigint[])))";
        }
        session.set(settings);
        String high;
        String snapshot;
        try (PreparedStatement statement = session.leader()
                .prepareStatement("SELECT max(" + name + ")::text, txid_current_snapshot()::text FROM " + table)) {
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                high = row.getString(1);
                snapshot = row.getString(2);
            }
        }
        Snapshot now = Snapshot.parse(snapshot);
        Map<String, String> bounds = new LinkedHashMap<>();
        String next = high;
        if (low.isPresent()) {
            next = high == null ? low.get() : greatest(session, type, low.get(), high);
            long window = now.xmax() - Snapshot.parse(previous.get().snapshot()).xmax();
            bounds.put("pgferry.watermark_window", Long.toString(Math.max(0, Math.min(window, XID_SPACE / 2))));
        }
        bounds.put("pgferry.watermark_high", next == null ? "" : next);
        session.set(bounds);
        String selectSql =
                next == null ? "SELECT * FROM " + table + " WHERE FALSE" : "SELECT * FROM " + table + " WHERE " + where;
        return new Plan(selectSql, new Watermark(column.name(), next, snapshot, runId, null));
    }

    /** The greater of two values of the column's type, as the server compares and renders them. */
    private static String greatest(SourceSession session, String type, String a, String b) throws SQLException {
        try (PreparedStatement statement =
                session.leader().prepareStatement("SELECT greatest(?::" + type + ", ?::" + type + ")::text")) {
            statement.setString(1, a);
            statement.setString(2, b);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static CopyException refused(Incremental incremental, String reason) {
        return CopyException.at(
                ErrorCode.WatermarkColumnInvalid,
                "the incremental copy's watermarkColumn " + reason,
                new Violation(incremental.pointer() + "/watermarkColumn", reason));
    }

    /** {@code txid_current_snapshot()} as text: {@code xmin:xmax:xip,...} (64-bit, epoch included). */
    record Snapshot(long xmin, long xmax, List<Long> xip) {
        static Snapshot parse(String text) {
            String[] parts = text.split(":", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("not a txid snapshot");
            }
            List<Long> xip = parts[2].isEmpty()
                    ? List.of()
                    : java.util.Arrays.stream(parts[2].split(","))
                            .map(Long::parseLong)
                            .toList();
            return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
        }
    }
}
