package io.pgferry.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Rows as lists of text, for cell-by-cell comparison. */
public final class Tables {
    private Tables() {}

    public static List<List<String>> rows(ResultSet rows) throws SQLException {
        int columns = rows.getMetaData().getColumnCount();
        List<List<String>> result = new ArrayList<>();
        while (rows.next()) {
            List<String> row = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                row.add(rows.getString(i));
            }
            result.add(row);
        }
        return result;
    }

    /** Rows as the driver types their values ({@link ResultSet#getObject}). */
    public static List<List<Object>> objects(ResultSet rows) throws SQLException {
        int columns = rows.getMetaData().getColumnCount();
        List<List<Object>> result = new ArrayList<>();
        while (rows.next()) {
            List<Object> row = new ArrayList<>(columns);
            for (int i = 1; i <= columns; i++) {
                row.add(rows.getObject(i));
            }
            result.add(row);
        }
        return result;
    }

    /** {@link #objects} of a query run on {@code postgres}, in UTC. */
    public static List<List<Object>> postgresObjects(TestingPostgres postgres, String query) throws SQLException {
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rows = statement.executeQuery(query)) {
                return objects(rows);
            }
        }
    }

    /**
     * PostgreSQL's own text rendering (each type's output function, as {@code format('%s')} applies it; booleans are
     * {@code t} and {@code f}, unlike {@code ::text}) of every column of {@code table} in UTC, ordered by
     * {@code orderBy}.
     */
    public static List<List<String>> postgresText(
            TestingPostgres postgres, String table, List<String> columns, String orderBy) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.size(); i++) {
            String column = '"' + columns.get(i) + '"';
            select.append(i > 0 ? ", " : "")
                    .append("CASE WHEN ")
                    .append(column)
                    .append(" IS NULL THEN NULL ELSE")
                    .append(" format('%s', ")
                    .append(column)
                    .append(") END AS c")
                    .append(i);
        }
        select.append(" FROM ").append(table).append(" ORDER BY ").append(orderBy);
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rows = statement.executeQuery(select.toString())) {
                return rows(rows);
            }
        }
    }
}
