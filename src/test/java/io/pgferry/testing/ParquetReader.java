package io.pgferry.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads Parquet files back with DuckDB, an independent Parquet reader. */
public final class ParquetReader {
    private ParquetReader() {}

    /**
     * @param select a DuckDB SELECT in which {@code FILES} stands for the files' rows
     * @return each row's values as DuckDB's JDBC driver types them
     */
    public static List<List<Object>> rows(List<Path> files, String select) throws SQLException {
        try (Connection duck = DuckDb.connect();
                Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery(select.replace("FILES", readParquet(files)))) {
            return Tables.objects(rows);
        }
    }

    /** Each column's name and DuckDB type, in order. */
    public static Map<String, String> types(List<Path> files) throws SQLException {
        Map<String, String> types = new LinkedHashMap<>();
        try (Connection duck = DuckDb.connect();
                Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery("DESCRIBE SELECT * FROM " + readParquet(files))) {
            while (rows.next()) {
                types.put(rows.getString("column_name"), rows.getString("column_type"));
            }
        }
        return types;
    }

    /** The codecs of every column chunk in the files, as the footers name them. */
    public static List<String> codecs(List<Path> files) throws SQLException {
        List<String> codecs = new ArrayList<>();
        try (Connection duck = DuckDb.connect();
                Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT DISTINCT compression FROM parquet_metadata(" + DuckDb.fileList(files) + ")")) {
            while (rows.next()) {
                codecs.add(rows.getString(1));
            }
        }
        return codecs;
    }

    private static String readParquet(List<Path> files) {
        return "read_parquet(" + DuckDb.fileList(files) + ")";
    }
}
