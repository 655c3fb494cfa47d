package io.pgferry.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import org.duckdb.DuckDBDriver;

/** DuckDB, the independent reader of the files pgferry writes. */
final class DuckDb {
    private DuckDb() {}

    /** An in-memory database; DuckDB's driver is asked for directly, as DriverManager may not see it. */
    static Connection connect() throws SQLException {
        return new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
    }

    /** The files as a DuckDB list literal, for read_csv and read_json. */
    static String fileList(List<Path> files) {
        return files.stream().map(file -> "'" + file + "'").collect(Collectors.joining(",", "[", "]"));
    }
}
