package io.pgferry.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Reads JSON output back: DuckDB proves a common consumer parses the files; Jackson gives the values to compare. */
public final class JsonReader {
    /** Keeps JSON numbers exact: {@code -997.50} stays a BigDecimal of scale 2. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    private JsonReader() {}

    /**
     * @param format DuckDB's read_json format: {@code newline_delimited} or {@code array}
     * @return the records DuckDB reads from the files (gzip is recognised by the {@code .gz} name)
     */
    public static long count(List<Path> files, String format) throws SQLException {
        try (Connection duck = DuckDb.connect();
                Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM read_json(" + DuckDb.fileList(files)
                        + ", format='" + format + "', records=true)")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
