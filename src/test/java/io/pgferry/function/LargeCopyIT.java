package io.pgferry.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.GnuTar;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Tables;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A million rows through every format and codec, read back by DuckDB and compared with PostgreSQL in both directions
 * by an order-independent fingerprint of every row's values (the sum of each row's md5, and the row count), so a
 * missing, extra or altered row shows.
 */
@QuarkusTest
class LargeCopyIT {
    private static final String TABLE = "large_rows";
    private static final int ROWS = 1_000_000;
    /** Each row's md5, its first 15 hex digits as a number, summed (exact: numeric in PostgreSQL, hugeint in DuckDB). */
    private static final String POSTGRES_FINGERPRINT =
            "SELECT count(*), sum(('x' || substr(md5(%s), 1, 15))::bit(60)" + "::bigint)::text FROM " + TABLE;

    private static final String DUCKDB_FINGERPRINT =
            "SELECT count(*), sum(('0x' || substr(md5(%s), 1, 15))::BIGINT)" + "::VARCHAR FROM FILES";

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @BeforeAll
    static void createTable() {
        TestingServers.postgres()
                .execute(
                        "DROP TABLE IF EXISTS " + TABLE,
                        "CREATE TABLE " + TABLE + " AS SELECT i::bigint AS id,"
                                + " CASE WHEN i % 9 = 0 THEN NULL WHEN i % 7 = 0 THEN '' ELSE 'name ' || i"
                                + "  || CASE WHEN i % 5 = 0 THEN E', \"q\"\\nline' ELSE ' ü' END END AS name,"
                                + " ((i * 37 % 100000) / 100.0)::numeric(14, 4) AS amount,"
                                + " TIMESTAMPTZ '2020-01-01 00:00:00+00' + i * INTERVAL '7 seconds' AS ts,"
                                + " ARRAY['t' || (i % 13), CASE WHEN i % 4 = 0 THEN NULL ELSE md5(i::text) END] AS tags"
                                + " FROM generate_series(1, " + ROWS + ") i");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "DelimitedText, none",
        "DelimitedText, gzip",
        "DelimitedText, TarGzip",
        "Json, none",
        "Json, gzip",
        "Json, Tar",
        "Parquet, none",
        "Parquet, snappy",
        "Parquet, gzip",
        "Parquet, zstd",
        "Parquet, lz4",
        "Avro, deflate",
        "Avro, snappy"
    })
    void aMillionRowsArriveExactly(String format, String codec) throws Exception {
        String container = "l-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode payload = payload(container, format, codec);

        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(200)
                .body("rowsCopied", equalTo(ROWS));

        List<Path> files = azurite.download(container, "", downloads);
        assertThat(files).hasSize(3);
        if (codec.startsWith("Tar")) {
            files = extracted(files, codec.equals("TarGzip"));
        }
        String postgresRow = format.equals("DelimitedText")
                ? "concat_ws('|', id, coalesce(name, '<null>'), amount, format('%s', ts), tags)"
                : "concat_ws('|', id, coalesce(name, '<null>'), amount, (extract(epoch FROM ts) * 1000000)::bigint,"
                        + " array_to_json(tags))";
        List<List<Object>> fromPostgres =
                Tables.postgresObjects(postgres, String.format(POSTGRES_FINGERPRINT, postgresRow));
        if (format.equals("Avro")) {
            assertThat(avroFingerprint(files))
                    .isEqualTo(List.of((long) ROWS, fromPostgres.get(0).get(1)));
            return;
        }
        String[] read =
                switch (format) {
                    // Every value as PostgreSQL's text, NULL apart from ''.
                    case "DelimitedText" ->
                        new String[] {
                            "read_csv(" + list(files) + ", header=true, all_varchar=true,"
                                    + " allow_quoted_nulls=false)",
                            "concat_ws('|', id, coalesce(name, '<null>'), amount, ts, tags)"
                        };
                    case "Json" ->
                        new String[] {
                            "read_json(" + list(files) + ", format='newline_delimited',"
                                    + " columns={id: 'BIGINT', name: 'VARCHAR', amount: 'DECIMAL(14,4)', ts: 'TIMESTAMPTZ',"
                                    + " tags: 'VARCHAR[]'})",
                            "concat_ws('|', id, coalesce(name, '<null>'), amount::VARCHAR,"
                                    + " epoch_us(ts), to_json(tags))"
                        };
                    default ->
                        new String[] {
                            "read_parquet(" + list(files) + ")",
                            "concat_ws('|', id,"
                                    + " coalesce(name, '<null>'), amount::VARCHAR, epoch_us(ts), to_json(tags))"
                        };
                };
        List<List<Object>> fromFiles =
                duckdb(String.format(DUCKDB_FINGERPRINT, read[1]).replace("FILES", read[0]));
        assertThat(fromFiles.get(0).get(0).toString()).isEqualTo(Integer.toString(ROWS));
        assertThat(fromFiles.get(0).get(1)).isEqualTo(fromPostgres.get(0).get(1));
    }

    /** The same fingerprint from Avro's own reader (DuckDB reads Avro only with an extension it would download). */
    private static List<Object> avroFingerprint(List<Path> files) throws Exception {
        long rows = 0;
        BigInteger sum = BigInteger.ZERO;
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        for (Path file : files) {
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                for (GenericRecord record : reader) {
                    ByteBuffer amount = (ByteBuffer) record.get("amount");
                    byte[] unscaled = new byte[amount.remaining()];
                    amount.duplicate().get(unscaled);
                    List<String> tags = new ArrayList<>();
                    for (Object tag : (List<?>) record.get("tags")) {
                        tags.add(tag == null ? "null" : "\"" + tag + "\"");
                    }
                    String row = record.get("id") + "|" + (record.get("name") == null ? "<null>" : record.get("name"))
                            + "|" + new BigDecimal(new BigInteger(unscaled), 4).toPlainString() + "|"
                            + record.get("ts") + "|[" + String.join(",", tags) + "]";
                    String hex = HexFormat.of().formatHex(md5.digest(row.getBytes(StandardCharsets.UTF_8)));
                    sum = sum.add(new BigInteger(hex.substring(0, 15), 16));
                    rows++;
                }
            }
        }
        return List.of(rows, sum.toString());
    }

    /** The one file of each archive, as GNU tar extracts it. */
    private List<Path> extracted(List<Path> archives, boolean gzip) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path archive : archives) {
            Map<String, byte[]> members = GnuTar.extract(archive, gzip);
            assertThat(members).hasSize(1);
            for (Map.Entry<String, byte[]> member : members.entrySet()) {
                files.add(Files.write(downloads.resolve(member.getKey()), member.getValue()));
            }
        }
        return files;
    }

    private static String list(List<Path> files) {
        return files.stream().map(file -> "'" + file + "'").collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    private static List<List<Object>> duckdb(String query) throws SQLException {
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            return Tables.objects(statement.executeQuery(query));
        }
    }

    private ObjectNode payload(String container, String format, String codec) {
        ObjectNode payload = Payloads.tableToCsv(TABLE, container, postgres, azurite.connectionString());
        payload.withObject("/activity/typeProperties/sink/formatSettings").put("maxRowsPerFile", 400_000);
        switch (format) {
            case "Json" -> {
                BaseCopyFunction.json(payload, "setOfObjects");
                payload.withObject("/datasets/1/properties/typeProperties")
                        .putObject("compression")
                        .put("type", codec);
            }
            case "Parquet" -> BaseCopyFunction.parquet(payload, codec);
            case "Avro" -> {
                ObjectNode dataset =
                        payload.withObject("/datasets/1/properties").put("type", "Avro");
                dataset.withObject("/typeProperties").retain("location");
                dataset.withObject("/typeProperties").put("avroCompressionCodec", codec);
                payload.withObject("/activity/typeProperties/sink").put("type", "AvroSink");
                payload.withObject("/activity/typeProperties/sink/formatSettings")
                        .put("type", "AvroWriteSettings")
                        .remove("fileExtension");
            }
            default ->
                payload.withObject("/datasets/1/properties/typeProperties").put("compressionCodec", codec);
        }
        return payload;
    }
}
