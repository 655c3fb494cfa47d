package io.pgferry.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads delimited files back with DuckDB, an independent CSV reader, every column as text; SQL NULL stays null and
 * a quoted empty string stays empty.
 */
public final class CsvReader {
    private CsvReader() {}

    /**
     * @param options DuckDB read_csv options, e.g. {@code header=true, delim=','}
     * @param orderBy the column to sort rows by (compared as a number)
     */
    public static List<List<String>> read(List<Path> files, String options, String orderBy) throws SQLException {
        String sql = "SELECT * FROM read_csv(" + DuckDb.fileList(files) + ", " + options
                + ", all_varchar=true, allow_quoted_nulls=false) ORDER BY CAST(" + orderBy
                + " AS BIGINT)";
        try (Connection duck = DuckDb.connect();
                Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            return Tables.rows(rows);
        }
    }

    /** Column names as DuckDB read them from the header. */
    public static List<String> header(Path file, String options) throws SQLException {
        try (Connection duck = DuckDb.connect();
                Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT * FROM read_csv('" + file + "', " + options + ", all_varchar=true) LIMIT 0")) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                names.add(rows.getMetaData().getColumnName(i));
            }
            return names;
        }
    }
}
