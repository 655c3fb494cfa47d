package io.pgferry.format.json;

import static io.pgferry.format.Tuples.numeric;
import static io.pgferry.format.Tuples.tuple;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.JsonFormat;
import io.pgferry.format.Tuples;
import io.pgferry.source.postgres.SourceColumn;

/**
 * {@link JsonOutput} on binary COPY tuples built by hand, read back by Jackson: escaping, NULLs, integer extremes,
 * numerics as {@code numeric_out} writes them, uuids, json and jsonb, lines and arrays.
 */
class JsonOutputTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

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

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static SourceColumn column(String name, String type) {
        return new SourceColumn(name, type, 0, 0);
    }

    private static byte[] encode(JsonFormat format, List<SourceColumn> columns, List<byte[]> tuples)
            throws IOException {
        return Tuples.encode(new JsonOutput(format, columns).begin(null), tuples);
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
