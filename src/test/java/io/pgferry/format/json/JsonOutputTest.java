package io.pgferry.format.json;

import static io.pgferry.format.Tuples.numeric;
import static io.pgferry.format.Tuples.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.JsonFormat;
import io.pgferry.format.Tuples;
import io.pgferry.source.postgres.SourceColumn;
import io.pgferry.testing.Gen;
import io.pgferry.testing.JsonReader;

/**
 * {@link JsonOutput} on binary COPY tuples built by hand, read back by Jackson: escaping, NULLs, integer extremes,
 * numerics as {@code numeric_out} writes them, uuids, json and jsonb, lines and arrays.
 */
class JsonOutputTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final long SEED = 20261204L;

    @TempDir
    Path temp;

    @Test
    void textIsEscapedSoAnyStringReadsBackAsItself() throws Exception {
        List<String> texts = List.of(
                "plain",
                "quote \" and backslash \\",
                "new\nline\ttab\rreturn",
                "control \u0001\u001f",
                "é ü 日本 😀",
                "");
        List<byte[]> tuples = new ArrayList<>();
        for (String text : texts) {
            tuples.add(tuple(utf8(text)));
        }

        List<JsonNode> rows = lines(new JsonFormat(false), List.of(column("note \"quoted\" name", "text")), tuples);

        for (int i = 0; i < texts.size(); i++) {
            assertThat(rows.get(i).path("note \"quoted\" name").asText()).isEqualTo(texts.get(i));
        }
    }

    @Test
    void nullsIntegersAndBooleansKeepTheirJsonTypes() throws Exception {
        List<SourceColumn> columns =
                List.of(column("small", "int2"), column("int", "int4"), column("big", "int8"), column("flag", "bool"));
        byte[] extremes = tuple(
                ByteBuffer.allocate(2).putShort(Short.MIN_VALUE).array(),
                ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array(),
                ByteBuffer.allocate(8).putLong(Long.MIN_VALUE).array(),
                new byte[] {1});
        byte[] nulls = tuple(null, null, null, new byte[] {0});

        List<JsonNode> rows = lines(new JsonFormat(false), columns, List.of(extremes, nulls));

        assertThat(rows.get(0).path("small").intValue()).isEqualTo(Short.MIN_VALUE);
        assertThat(rows.get(0).path("int").intValue()).isEqualTo(Integer.MAX_VALUE);
        assertThat(rows.get(0).path("big").longValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(rows.get(0).path("flag").booleanValue()).isTrue();
        assertThat(rows.get(1).path("small").isNull()).isTrue();
        assertThat(rows.get(1).path("big").isNull()).isTrue();
        assertThat(rows.get(1).path("flag").booleanValue()).isFalse();
    }

    @Test
    void numericsKeepEveryDigitOfTheirScale() throws Exception {
        List<JsonNode> rows = lines(
                new JsonFormat(false),
                List.of(column("amount", "numeric")),
                List.of(
                        tuple(numeric(false, 1, 4, 1, 2345, 6789)),
                        tuple(numeric(true, -1, 2, 5000)),
                        tuple(numeric(false, 0, 2)),
                        tuple(numeric(false, 2, 0, 1, 0, 0))));

        assertThat(rows)
                .extracting(row -> row.path("amount").decimalValue())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(
                        new BigDecimal("12345.6789"),
                        new BigDecimal("-0.50"),
                        new BigDecimal("0.00"),
                        new BigDecimal("100000000"));
        // As numeric_out writes them: every digit of the display scale, in the JSON text itself.
        String text = new String(
                encode(
                        new JsonFormat(false),
                        List.of(column("amount", "numeric")),
                        List.of(tuple(numeric(true, -1, 2, 5000)), tuple(numeric(false, 0, 2)))),
                StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("{\"amount\":-0.50}\n{\"amount\":0.00}\n");
    }

    @Test
    void aNumericNaNIsAString() throws Exception {
        byte[] nan = ByteBuffer.allocate(8)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) 0xC000)
                .putShort((short) 0)
                .array();

        JsonNode row = lines(new JsonFormat(false), List.of(column("n", "numeric")), List.of(tuple(nan)))
                .get(0);

        assertThat(row.path("n").isTextual()).isTrue();
        assertThat(row.path("n").asText()).isEqualTo("NaN");
    }

    @Test
    void uuidsJsonAndJsonbComeOutAsThemselves() throws Exception {
        byte[] uuid = ByteBuffer.allocate(16)
                .putLong(0x0123456789abcdefL)
                .putLong(0xfedcba9876543210L)
                .array();
        byte[] jsonb = ("\u0001" + "{\"a\": [1, 2]}").getBytes(StandardCharsets.UTF_8);

        JsonNode row = lines(
                        new JsonFormat(false),
                        List.of(column("id", "uuid"), column("doc", "json"), column("bin", "jsonb")),
                        List.of(tuple(uuid, utf8("{\"k\": \"v\"}"), jsonb)))
                .get(0);

        assertThat(row.path("id").asText()).isEqualTo("01234567-89ab-cdef-fedc-ba9876543210");
        assertThat(row.path("doc").path("k").asText()).isEqualTo("v");
        assertThat(row.path("bin").path("a").get(1).intValue()).isEqualTo(2);
    }

    @Test
    void arrayOfObjectsIsOneJsonArray() throws Exception {
        byte[] file =
                encode(new JsonFormat(true), List.of(column("t", "text")), List.of(tuple(utf8("a")), tuple(utf8("b"))));

        JsonNode array = JACKSON.readTree(file);

        assertThat(array.isArray()).isTrue();
        assertThat(array).extracting(node -> node.path("t").asText()).containsExactly("a", "b");
        assertThat(JACKSON.readTree(encode(new JsonFormat(true), List.of(column("t", "text")), List.of())))
                .isEmpty();
    }

    @Test
    void anyNumericIsWrittenDigitForDigitAsNumericOutWritesIt() throws Exception {
        Random random = new Random(SEED);
        List<BigDecimal> values = new ArrayList<>();
        List<byte[]> tuples = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int digits = 1 + random.nextInt(40);
            java.math.BigInteger unscaled =
                    new java.math.BigInteger(digits * 4, random).mod(java.math.BigInteger.TEN.pow(digits));
            BigDecimal value = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), random.nextInt(21));
            values.add(value);
            tuples.add(tuple(numeric(value)));
        }

        String[] lines = new String(
                        encode(new JsonFormat(false), List.of(column("n", "numeric")), tuples), StandardCharsets.UTF_8)
                .split("\n");

        assertThat(lines).hasSize(values.size());
        for (int i = 0; i < values.size(); i++) {
            assertThat(lines[i]).isEqualTo("{\"n\":" + values.get(i).toPlainString() + "}");
        }
    }

    @Test
    void infinitiesAreStringsAsRowToJsonWritesThem() throws Exception {
        String text = new String(
                encode(
                        new JsonFormat(false),
                        List.of(column("n", "numeric")),
                        List.of(tuple(Tuples.numericSpecial(0xD000)), tuple(Tuples.numericSpecial(0xF000)))),
                StandardCharsets.UTF_8);

        assertThat(text).isEqualTo("{\"n\":\"Infinity\"}\n{\"n\":\"-Infinity\"}\n");
    }

    @Test
    void anyUnicodeTextReadsBackAsItselfInJacksonAndDuckDb() throws Exception {
        String punctuation = "\"\\/',{}[]:";
        // Any code point but lone surrogates (not text PostgreSQL can hold), ASCII controls and quotes often.
        Gen<String> texts = random -> {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(30);
            for (int i = 0; i < length; i++) {
                int pick = random.nextInt(4);
                int codePoint = pick == 0
                        ? random.nextInt(0x20)
                        : pick == 1
                                ? punctuation.charAt(random.nextInt(punctuation.length()))
                                : random.nextInt(0x110000);
                if (codePoint == 0 || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                    codePoint = 'x';
                }
                text.appendCodePoint(codePoint);
            }
            return text.toString();
        };
        Random random = new Random(SEED + 1);
        List<String> values = new ArrayList<>();
        List<byte[]> tuples = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            values.add(texts.next(random));
            tuples.add(tuple(Tuples.int4(i), utf8(values.get(i))));
        }
        List<SourceColumn> columns = List.of(column("id", "int4"), column("t", "text"));

        List<JsonNode> rows = lines(new JsonFormat(false), columns, tuples);
        for (int i = 0; i < values.size(); i++) {
            assertThat(rows.get(i).path("t").asText()).as("row %d", i).isEqualTo(values.get(i));
        }
        Path file = temp.resolve("rows.jsonl");
        Files.write(file, encode(new JsonFormat(false), columns, tuples));
        try (Connection duck = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duck.createStatement();
                ResultSet read = statement.executeQuery("SELECT id, t FROM read_json('" + file
                        + "', format='newline_delimited', columns={id: 'INTEGER', t: 'VARCHAR'}) ORDER BY id")) {
            for (int i = 0; i < values.size(); i++) {
                assertThat(read.next()).isTrue();
                assertThat(read.getString(2)).as("row %d", i).isEqualTo(values.get(i));
            }
            assertThat(read.next()).isFalse();
        }
    }

    @Test
    void columnNamesAreEscapedAsKeysInTheirOrder() throws Exception {
        List<SourceColumn> columns = List.of(
                column("quote\"back\\slash", "int4"),
                column("new\nline", "int4"),
                column("日本 😀", "int4"),
                column("", "int4"));

        String text = new String(
                encode(
                        new JsonFormat(false),
                        columns,
                        List.of(tuple(Tuples.int4(1), Tuples.int4(2), Tuples.int4(3), Tuples.int4(4)))),
                StandardCharsets.UTF_8);

        assertThat(text).isEqualTo("{\"quote\\\"back\\\\slash\":1,\"new\\nline\":2,\"日本 😀\":3,\"\":4}\n");
        JsonNode row = JACKSON.readTree(text);
        assertThat(row.fieldNames()).toIterable().containsExactly("quote\"back\\slash", "new\nline", "日本 😀", "");
    }

    @Test
    void datesAndTimestampsAreWrittenAsToJsonWritesThemInUtc() throws Exception {
        List<SourceColumn> columns =
                List.of(column("d", "date"), column("ts", "timestamp"), column("tstz", "timestamptz"));
        JsonOutput output = new JsonOutput(new JsonFormat(false), columns, "UTC");
        Instant bc = Instant.parse("-0043-03-15T12:00:00.5Z");
        List<byte[]> tuples = List.of(
                tuple(
                        Tuples.date(LocalDate.of(2000, 1, 31)),
                        Tuples.timestamp(Instant.parse("2026-03-29T01:30:00.1234Z")),
                        Tuples.timestamp(Instant.parse("1969-12-31T23:59:59.000001Z"))),
                tuple(Tuples.date(LocalDate.of(-43, 3, 15)), Tuples.timestamp(bc), Tuples.timestamp(bc)),
                tuple(
                        Tuples.date(LocalDate.of(10000, 12, 31)),
                        Tuples.timestamp(Instant.parse("+10000-01-01T00:00:00Z")),
                        Tuples.int8(Long.MIN_VALUE)),
                tuple(Tuples.int4(Integer.MAX_VALUE), Tuples.int8(Long.MAX_VALUE), Tuples.int8(Long.MAX_VALUE)),
                tuple(Tuples.int4(Integer.MIN_VALUE), Tuples.int8(Long.MIN_VALUE), Tuples.int8(0)));

        assertThat(output.copySql("SELECT * FROM t")).startsWith("COPY (SELECT pgferry_1, pgferry_2, pgferry_3 FROM");
        assertThat(new String(Tuples.encode(output.begin(null), tuples), StandardCharsets.UTF_8))
                .isEqualTo("{\"d\":\"2000-01-31\",\"ts\":\"2026-03-29T01:30:00.1234\","
                        + "\"tstz\":\"1969-12-31T23:59:59.000001+00:00\"}\n"
                        + "{\"d\":\"0044-03-15 BC\",\"ts\":\"0044-03-15T12:00:00.5 BC\","
                        + "\"tstz\":\"0044-03-15T12:00:00.5+00:00 BC\"}\n"
                        + "{\"d\":\"10000-12-31\",\"ts\":\"10000-01-01T00:00:00\",\"tstz\":\"-infinity\"}\n"
                        + "{\"d\":\"infinity\",\"ts\":\"infinity\",\"tstz\":\"infinity\"}\n"
                        + "{\"d\":\"-infinity\",\"ts\":\"-infinity\",\"tstz\":\"2000-01-01T00:00:00+00:00\"}\n");
    }

    @Test
    void typesWithoutADecoderAreRenderedByTheServersToJsonAndPassThrough() throws Exception {
        List<SourceColumn> columns = List.of(
                column("id", "int4"),
                column("at", "timestamptz"),
                column("span", "interval"),
                column("doc", "jsonb"),
                column("ratio", "float8"));
        JsonOutput output = new JsonOutput(new JsonFormat(false), columns, "Europe/Paris");
        // What to_json sends for each: its json text; a timestamptz in the session's time zone when that is not UTC.
        byte[] tuple = tuple(
                Tuples.int4(7),
                utf8("\"2026-03-29T03:30:00.123456+02:00\""),
                utf8("\"1 day 02:03:04\""),
                utf8("\u0001{\"k\": null}"),
                utf8("1e+300"));

        assertThat(output.copySql("SELECT * FROM t"))
                .startsWith("COPY (SELECT pgferry_1, to_json(pgferry_2), to_json(pgferry_3), pgferry_4,"
                        + " to_json(pgferry_5) FROM (SELECT * FROM t\n) AS pgferry_row(");
        assertThat(output.binaryCopy()).isTrue();
        assertThat(output.contentType()).isEqualTo("application/json");
        assertThat(new String(Tuples.encode(output.begin(null), List.of(tuple)), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":7,\"at\":\"2026-03-29T03:30:00.123456+02:00\",\"span\":\"1 day 02:03:04\","
                        + "\"doc\":{\"k\": null},\"ratio\":1e+300}\n");
    }

    @Test
    void aFileWithoutRowsIsEmptyAsLinesAndAnEmptyArrayAsArray() throws Exception {
        List<SourceColumn> columns = List.of(column("t", "text"));

        assertThat(encode(new JsonFormat(false), columns, List.of())).isEmpty();
        assertThat(new String(encode(new JsonFormat(true), columns, List.of()), StandardCharsets.UTF_8))
                .isEqualTo("[]\n");
        assertThat(new String(
                        encode(new JsonFormat(true), columns, List.of(tuple((byte[]) null))), StandardCharsets.UTF_8))
                .isEqualTo("[{\"t\":null}]\n");
    }

    @Test
    void anArrayFileIsReadByDuckDbAsOneRecordPerRow() throws Exception {
        List<byte[]> tuples = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            tuples.add(tuple(Tuples.int8(i), i % 10 == 0 ? null : utf8("row, \"" + i + "\"\n")));
        }
        Path file = temp.resolve("rows.json");
        Files.write(file, encode(new JsonFormat(true), List.of(column("id", "int8"), column("t", "text")), tuples));

        assertThat(JsonReader.count(List.of(file), "array")).isEqualTo(1000);
        try (Connection duck = new DuckDBDriver().connect("jdbc:duckdb:", new Properties());
                Statement statement = duck.createStatement();
                ResultSet read = statement.executeQuery("SELECT count(t), sum(id), max(t) FILTER (WHERE id = 999)"
                        + " FROM read_json('" + file + "', format='array')")) {
            read.next();
            assertThat(read.getLong(1)).isEqualTo(900);
            assertThat(read.getLong(2)).isEqualTo(499_500);
            assertThat(read.getString(3)).isEqualTo("row, \"999\"\n");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static SourceColumn column(String name, String type) {
        return new SourceColumn(name, type, 0, 0);
    }

    private static byte[] encode(JsonFormat format, List<SourceColumn> columns, List<byte[]> tuples)
            throws IOException {
        return Tuples.encode(new JsonOutput(format, columns, "UTC").begin(null), tuples);
    }

    private static List<JsonNode> lines(JsonFormat format, List<SourceColumn> columns, List<byte[]> tuples)
            throws IOException {
        String text = new String(encode(format, columns, tuples), StandardCharsets.UTF_8);
        List<JsonNode> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            rows.add(JACKSON.readTree(line));
        }
        assertThat(rows).hasSize(tuples.size());
        return rows;
    }
}
