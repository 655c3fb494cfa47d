package io.pgferry.format.json;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import io.pgferry.contract.JsonFormat;
import io.pgferry.format.ChunkFraming;
import io.pgferry.format.PassThroughFormat;
import io.pgferry.format.RowOutput;
import io.pgferry.source.postgres.CopyOutReader;

/**
 * JSON written by PostgreSQL itself: {@code row_to_json} renders each row as one object, with column names as keys
 * and PostgreSQL's JSON rendering of each type (numbers as numbers, NaN and infinities as strings, timestamps in ISO
 * 8601, arrays as arrays, json and jsonb nested as they are).
 *
 * <p>
 * The objects travel through {@code COPY ... (FORMAT csv)} with control characters as quote and delimiter. JSON never
 * holds a raw control character (it escapes them as {@code \u0001}), so PostgreSQL never quotes a row and the bytes
 * arrive exactly as {@code row_to_json} made them, one row per line.
 */
public final class JsonPassThrough implements PassThroughFormat {
    private static final byte[] ARRAY_START = "[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARRAY_SEPARATOR = ",\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ARRAY_END = "]\n".getBytes(StandardCharsets.US_ASCII);

    private final JsonFormat format;

    public JsonPassThrough(JsonFormat format) {
        this.format = requireNonNull(format, "format is null");
    }

    @Override
    public String copySql(String selectSql) {
        return "COPY (SELECT row_to_json(pgferry_row) FROM (" + selectSql + "\n) AS pgferry_row) TO STDOUT"
                + " WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')";
    }

    /**
     * JSON Lines need no framing; an array of objects opens with {@code [}, separates with a comma and closes with
     * {@code ]}.
     */
    @Override
    public ChunkFraming framing(CopyOutReader rows) {
        return format.arrayOfObjects() ? new ChunkFraming(ARRAY_START, ARRAY_SEPARATOR, ARRAY_END)
                : ChunkFraming.header(new byte[0]);
    }

    @Override
    public boolean copyRow(CopyOutReader rows, RowOutput out) throws SQLException {
        byte[] row = rows.next();
        if (row == null) {
            return false;
        }
        // PostgreSQL ends the row with \n: JSON Lines keep it; in an array the separator takes its place.
        out.write(row, 0, format.arrayOfObjects() ? row.length - 1 : row.length);
        out.endRow();
        return true;
    }

    @Override
    public String contentType() {
        return "application/json";
    }
}
