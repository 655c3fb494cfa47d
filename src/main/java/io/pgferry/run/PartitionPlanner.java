package io.pgferry.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.TableName;

/**
 * Splits a copy into {@code parallelCopies} slices. A plain table read whole (no source query) is cut into ranges of
 * its physical pages, read by ctid: PostgreSQL 14 and later scan such a range without touching the rest of the table
 * (TID range scan). Everything else (a query, a partitioned or foreign table, an older server, a table of fewer pages
 * than slices) is read in fewer slices or one.
 */
final class PartitionPlanner {
    private static final int TID_RANGE_SCAN_VERSION = 140000;

    private PartitionPlanner() {
    }

    static List<Partition> plan(Connection connection, PostgresSource source, int parallelCopies)
            throws SQLException {
        if (parallelCopies < 2 || source.query().isPresent()) {
            return List.of(new Partition(0, source.selectSql(), "all"));
        }
        TableName table = source.table().orElseThrow();
        long pages;
        try (PreparedStatement statement = connection.prepareStatement("SELECT c.relkind IN ('r', 'm'),"
                + " pg_relation_size(c.oid) / current_setting('block_size')::int,"
                + " current_setting('server_version_num')::int FROM pg_class c WHERE c.oid = ?::regclass")) {
            statement.setString(1, table.quoted());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                boolean heap = row.getBoolean(1);
                pages = row.getLong(2);
                if (!heap || row.getInt(3) < TID_RANGE_SCAN_VERSION) {
                    return List.of(new Partition(0, source.selectSql(), "all"));
                }
            }
        }
        int slices = (int) Math.min(parallelCopies, Math.max(pages, 1));
        if (slices < 2) {
            return List.of(new Partition(0, source.selectSql(), "all"));
        }
        List<Partition> partitions = new ArrayList<>(slices);
        for (int i = 0; i < slices; i++) {
            long from = pages * i / slices;
            long to = pages * (i + 1) / slices;
            // The last slice has no upper bound; the first starts at page 0 anyway.
            String condition = (i == 0 ? "" : "ctid >= '(" + from + ",0)'::tid")
                    + (i == 0 || i == slices - 1 ? "" : " AND ")
                    + (i == slices - 1 ? "" : "ctid < '(" + to + ",0)'::tid");
            partitions.add(new Partition(i, "SELECT * FROM " + table.quoted() + " WHERE " + condition,
                    "pages " + from + (i == slices - 1 ? "+" : "-" + (to - 1))));
        }
        return partitions;
    }
}
