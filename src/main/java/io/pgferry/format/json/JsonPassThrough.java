package io.pgferry.format.json;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import io.pgferry.contract.JsonFormat;
import io.pgferry.format.OutputFormat;
import io.pgferry.source.postgres.CopyOutReader;

/**
 * JSON written by PostgreSQL itself: {@code row_to_json} renders each row as one object, with column names as keys
 * and PostgreSQL's JSON rendering of each type (numbers as numbers, NaN and infinities as strings, timestamps in ISO
 * 8601, arrays as arrays, json and jsonb nested as they are).
 *
 * <p>
 * The objects travel through {@code COPY ... (FORMAT csv)} with control characters as quote and delimiter. JSON never
 * holds a raw control character (it escapes them as {@code \u0001}), so PostgreSQL never quotes a row and the bytes
 * arrive exactly as {@code row_to_json} made them, one row per line. JSON Lines keep PostgreSQL's {@code \n}; an array
 * of objects opens with {@code [}, separates rows with a comma and closes with {@code ]}.
 */
public final class JsonPassThrough implements OutputFormat {
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

    @Override
    public boolean binaryCopy() {
        return false;
    }

    @Override
    public FileEncoding begin(CopyOutReader rows) {
        return format.arrayOfObjects() ? JsonPassThrough::array : out -> new FileEncoder() {
            @Override
            public void row(byte[] row) throws IOException {
                out.write(row);
            }

            @Override
            public void finish() {
                // JSON Lines end with the last row's line break
            }
        };
    }

    private static FileEncoder array(OutputStream out) throws IOException {
        out.write(ARRAY_START);
        return new FileEncoder() {
            private boolean first = true;

            @Override
            public void row(byte[] row) throws IOException {
                if (!first) {
                    out.write(ARRAY_SEPARATOR);
                }
                first = false;
                // PostgreSQL ends the row with \n; in an array the separator takes its place.
                out.write(row, 0, row.length - 1);
            }

            @Override
            public void finish() throws IOException {
                out.write(ARRAY_END);
            }
        };
    }

    @Override
    public String contentType() {
        return "application/json";
    }
}
