package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.pgferry.contract.Partitioning;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.TableName;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.Violation;

/**
 * Cuts a copy into slices, read at once by {@code parallelCopies} connections in one snapshot.
 * <ul>
 * <li>{@code None} (pgferry's default for a table read whole): ranges of the table's physical pages, read by ctid;
 * PostgreSQL 14 and later scan such a range without touching the rest (TID range scan).</li>
 * <li>{@code DynamicRange}: ranges of a column, bounds from the request or the data.</li>
 * <li>{@code PhysicalPartitionsOfTable}: the table's leaf partitions, shared among the slices.</li>
 * </ul>
 * What cannot be cut (a query without a partition option, an older server, a tiny table) is read in one slice.
 */
public final class SlicePlanner {
    private static final int TID_RANGE_SCAN_VERSION = 140000;
    private static final Set<String> RANGE_TYPES =
            Set.of("smallint", "integer", "bigint", "date", "timestamp without time zone", "timestamp with time zone");

    private SlicePlanner() {}

    public static List<Slice> plan(Connection connection, PostgresSource source, int parallelCopies)
            throws SQLException {
        if (source.partitioning() instanceof Partitioning.PhysicalPartitions partitions) {
            return physicalPartitions(connection, source, partitions, parallelCopies);
        }
        if (parallelCopies < 2) {
            return whole(source);
        }
        if (source.partitioning() instanceof Partitioning.DynamicRange range) {
            return dynamicRange(connection, source, range, parallelCopies);
        }
        return source.query().isPresent() ? whole(source) : physicalPages(connection, source, parallelCopies);
    }

    private static List<Slice> whole(PostgresSource source) {
        return List.of(new Slice(0, source.selectSql(), "all"));
    }

    private static List<Slice> physicalPages(Connection connection, PostgresSource source, int parallelCopies)
            throws SQLException {
        TableName table = source.table().orElseThrow();
        long pages;
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.relkind IN ('r', 'm'),"
                + " pg_relation_size(c.oid) / current_setting('block_size')::int,"
                + " current_setting('server_version_num')::int FROM pg_class c WHERE c.oid = ?::regclass")) {
            statement.setString(1, table.quoted());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                pages = row.getLong(2);
                if (!row.getBoolean(1) || row.getInt(3) < TID_RANGE_SCAN_VERSION) {
                    return whole(source);
                }
            }
        }
        return pageRanges(source, pages, parallelCopies);
    }

    /** The table's {@code pages} pages cut into at most {@code parallelCopies} ctid ranges (package-private for tests). */
    static List<Slice> pageRanges(PostgresSource source, long pages, int parallelCopies) {
        TableName table = source.table().orElseThrow();
        int slices = (int) Math.min(parallelCopies, Math.max(pages, 1));
        if (slices < 2) {
            return whole(source);
        }
        List<Slice> planned = new ArrayList<>(slices);
        for (int i = 0; i < slices; i++) {
            long from = pages * i / slices;
            long to = pages * (i + 1) / slices;
            // The last slice has no upper bound; the first starts at page 0 anyway.
            String condition = (i == 0 ? "" : "ctid >= '(" + from + ",0)'::tid")
                    + (i == 0 || i == slices - 1 ? "" : " AND ")
                    + (i == slices - 1 ? "" : "ctid < '(" + to + ",0)'::tid");
            planned.add(new Slice(
                    i,
                    "SELECT * FROM " + table.quoted() + " WHERE " + condition,
                    "pages " + from + (i == slices - 1 ? "+" : "-" + (to - 1))));
        }
        return planned;
    }

    /**
     * Stride-only ranges: boundaries cut [lower, upper] evenly, the first slice also takes everything below (and NULL),
     * the last everything above, so no row is lost whatever the bounds.
     */
    private static List<Slice> dynamicRange(
            Connection connection, PostgresSource source, Partitioning.DynamicRange range, int parallelCopies)
            throws SQLException {
        String relation = "(" + source.selectSql() + "\n) AS pgferry_source";
        String column = quote(range.column().isPresent() ? range.column().get() : primaryKey(connection, source));
        String type;
        String lower;
        String upper;
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_typeof(" + column + ")::text,"
                + " min(" + column + ")::text, max(" + column + ")::text FROM " + relation + " GROUP BY 1")) {
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return whole(source);
                }
                type = row.getString(1);
                lower = range.lowerBound().orElse(row.getString(2));
                upper = range.upperBound().orElse(row.getString(3));
            }
        } catch (SQLException e) {
            // The source's own SELECT was described already: what fails here is the partition column.
            throw PostgresErrors.translate(e, source.connection()).about(ErrorCode.Field.SOURCE_PARTITION_COLUMN);
        }
        if (lower == null || upper == null) {
            return whole(source);
        }
        if (!RANGE_TYPES.contains(type)) {
            throw CopyException.of(
                    ErrorCode.SourcePartitionColumnTypeUnsupported,
                    "the partition column " + column + " is " + type
                            + "; DynamicRange needs an integer, date or timestamp column",
                    null);
        }
        // As ADF strides: bounds 1 and 80 in 4 slices give [1,20], [21,40], [41,60], [61,80] (integers and dates
        // count the upper bound in; timestamps, being continuous, do not).
        String span =
                "(CAST(? AS " + type + ") - CAST(? AS " + type + ")" + (type.startsWith("timestamp") ? ")" : " + 1)");
        List<String> boundaries = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT (CAST(? AS " + type + ") + " + span
                + " * i / ?)::text AS b, i FROM generate_series(1, ? - 1) AS i ORDER BY i")) {
            statement.setString(1, lower);
            statement.setString(2, upper);
            statement.setString(3, lower);
            statement.setInt(4, parallelCopies);
            statement.setInt(5, parallelCopies);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (!boundaries.contains(rows.getString(1))) {
                        boundaries.add(rows.getString(1));
                    }
                }
            }
        }
        return rangeSlices(source, column, type, boundaries);
    }

    /**
     * One slice below the first boundary (with NULLs), one between each two, one from the last on (package-private
     * for tests).
     *
     * @param column the partition column, quoted
     * @param type its type, one of {@link #RANGE_TYPES}
     * @param boundaries ascending, distinct, as the server renders them
     */
    static List<Slice> rangeSlices(PostgresSource source, String column, String type, List<String> boundaries) {
        String relation = "(" + source.selectSql() + "\n) AS pgferry_source";
        if (boundaries.isEmpty()) {
            return whole(source);
        }
        List<Slice> planned = new ArrayList<>();
        for (int i = 0; i <= boundaries.size(); i++) {
            String from = i == 0 ? null : SqlLiteral.of(boundaries.get(i - 1)) + "::" + type;
            String to = i == boundaries.size() ? null : SqlLiteral.of(boundaries.get(i)) + "::" + type;
            String condition = from == null
                    ? "(" + column + " < " + to + " OR " + column + " IS NULL)"
                    : to == null ? column + " >= " + from : column + " >= " + from + " AND " + column + " < " + to;
            // A query with ADF's ?AdfDynamicRangePartitionCondition takes the condition where it says.
            String select = source.queryPlacesRangeCondition()
                    ? PostgresSource.withHooks(source.query().orElseThrow(), condition, "")
                    : "SELECT * FROM " + relation + " WHERE " + condition;
            planned.add(new Slice(
                    i,
                    select,
                    (i == 0 ? "" : column + " >= " + boundaries.get(i - 1))
                            + (i == 0 || i == boundaries.size() ? "" : " and ")
                            + (i == boundaries.size() ? "" : column + " < " + boundaries.get(i))));
        }
        return planned;
    }

    /** The table's single-column primary key, as ADF defaults {@code partitionColumnName}. */
    private static String primaryKey(Connection connection, PostgresSource source) throws SQLException {
        if (source.table().isEmpty()) {
            throw CopyException.of(
                    ErrorCode.SourcePartitionColumnNotProvided,
                    "DynamicRange over a query needs" + " partitionSettings.partitionColumnName",
                    null);
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT a.attname FROM pg_index i"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE i.indrelid = ?::regclass AND i.indisprimary")) {
            statement.setString(1, source.table().get().quoted());
            try (ResultSet rows = statement.executeQuery()) {
                List<String> columns = new ArrayList<>();
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
                if (columns.size() != 1) {
                    throw CopyException.of(
                            ErrorCode.SourcePartitionColumnNotProvided,
                            "the table "
                                    + source.table().get().quoted() + " has no single-column primary key; give"
                                    + " partitionSettings.partitionColumnName",
                            null);
                }
                return columns.get(0);
            }
        }
    }

    /**
     * Leaf partitions (given, or all of them), dealt round-robin to at most {@code parallelCopies} slices. Names come
     * from the catalog, quoted by the server: a given name only selects among the table's leaf partitions, so no text
     * of the request reaches the SQL.
     */
    private static List<Slice> physicalPartitions(
            Connection connection, PostgresSource source, Partitioning.PhysicalPartitions given, int parallelCopies)
            throws SQLException {
        if (source.table().isEmpty() || (source.query().isPresent() && !source.queryNamesPartition())) {
            throw CopyException.of(
                    ErrorCode.SourcePartitionsNeedATable,
                    "PhysicalPartitionsOfTable reads the"
                            + " dataset's table's partitions: remove the source query, or name each partition in it with "
                            + PostgresSource.PARTITION_NAME_HOOK,
                    null);
        }
        List<LeafPartition> leaves = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT n.nspname, c.relname,"
                + " format('%I.%I', n.nspname, c.relname) FROM pg_partition_tree(?::regclass) t"
                + " JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE t.isleaf AND t.relid <> ?::regclass ORDER BY 3")) {
            statement.setString(1, source.table().get().quoted());
            statement.setString(2, source.table().get().quoted());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    leaves.add(new LeafPartition(rows.getString(1), rows.getString(2), rows.getString(3)));
                }
            }
        }
        List<String> names = new ArrayList<>();
        if (given.names().isEmpty()) {
            leaves.forEach(leaf -> names.add(leaf.quoted()));
        } else {
            for (int i = 0; i < given.names().size(); i++) {
                names.add(leaf(leaves, given.names().get(i), source.table().get(), given.namesPointer() + "/" + i));
            }
        }
        if (names.isEmpty()) {
            return whole(source);
        }
        int slices = Math.min(Math.max(parallelCopies, 1), names.size());
        List<Slice> planned = new ArrayList<>(slices);
        for (int i = 0; i < slices; i++) {
            List<String> mine = new ArrayList<>();
            for (int j = i; j < names.size(); j += slices) {
                mine.add(names.get(j));
            }
            planned.add(new Slice(
                    i,
                    String.join(
                            " UNION ALL ",
                            mine.stream()
                                    .map(name -> source.query()
                                            .map(q -> "(" + PostgresSource.withHooks(q, "TRUE", name) + ")")
                                            .orElse("SELECT * FROM " + name))
                                    .toList()),
                    String.join(", ", mine)));
        }
        return planned;
    }

    /** A leaf partition as the catalog names it. */
    private record LeafPartition(String schema, String table, String quoted) {}

    /**
     * The leaf partition a {@code partitionNames} entry names: {@code schema.table} exactly, or a table name found in
     * exactly one schema.
     *
     * @throws CopyException naming the entry when it is not one of the table's leaf partitions
     */
    private static String leaf(List<LeafPartition> leaves, TableName name, TableName table, String pointer) {
        List<LeafPartition> matches = leaves.stream()
                .filter(leaf -> leaf.table().equals(name.table())
                        && name.schema().map(leaf.schema()::equals).orElse(true))
                .toList();
        if (matches.size() == 1) {
            return matches.get(0).quoted();
        }
        String reason = matches.isEmpty()
                ? "is not a leaf partition of " + table.quoted()
                : "names partitions in " + matches.size() + " schemas; qualify it with its schema";
        throw CopyException.at(
                ErrorCode.SourcePartitionNotFound,
                "partitionNames: " + name.quoted() + " " + reason,
                new Violation(pointer, reason));
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
