package io.pgferry.format.parquet;

import static io.pgferry.format.Tuples.bool;
import static io.pgferry.format.Tuples.date;
import static io.pgferry.format.Tuples.encode;
import static io.pgferry.format.Tuples.int8;
import static io.pgferry.format.Tuples.numeric;
import static io.pgferry.format.Tuples.text;
import static io.pgferry.format.Tuples.textArray;
import static io.pgferry.format.Tuples.timestamp;
import static io.pgferry.format.Tuples.tuple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgferry.contract.ParquetFormat;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.source.postgres.SourceColumn;
import io.pgferry.testing.ParquetReader;

/** {@link ParquetOutput}'s column writers on edge values, read back by DuckDB. */
class ParquetOutputTest {
    private static final List<SourceColumn> COLUMNS = List.of(
            new SourceColumn("id", "int8", 19, 0),
            new SourceColumn("amount", "numeric", 10, 2),
            new SourceColumn("day", "date", 0, 0),
            new SourceColumn("at", "timestamptz", 0, 0),
            new SourceColumn("paid", "bool", 0, 0),
            new SourceColumn("name", "text", 0, 0),
            new SourceColumn("tags", "_text", 0, 0));

    @TempDir
    Path temp;

    @Test
    void edgeValuesReadBackAsTheyWere() throws Exception {
        List<byte[]> tuples = List.of(
                tuple(
                        int8(Long.MIN_VALUE),
                        numeric(true, 1, 2, 12, 3456, 7800),
                        date(LocalDate.of(1969, 12, 31)),
                        timestamp(Instant.parse("1999-12-31T23:59:59.999999Z")),
                        bool(true),
                        text("é \"quoted\", 😀"),
                        textArray("a", null, "")),
                tuple(int8(Long.MAX_VALUE), null, null, null, null, null, null),
                tuple(
                        int8(0),
                        numeric(false, 0, 2),
                        date(LocalDate.of(2000, 1, 1)),
                        timestamp(Instant.parse("2000-01-01T00:00:00Z")),
                        bool(false),
                        text(""),
                        textArray()));

        List<Path> file = write(new ParquetFormat(ParquetFormat.Codec.SNAPPY), tuples);

        assertThat(ParquetReader.types(file))
                .containsExactly(
                        Map.entry("id", "BIGINT"),
                        Map.entry("amount", "DECIMAL(10,2)"),
                        Map.entry("day", "DATE"),
                        Map.entry("at", "TIMESTAMP WITH TIME ZONE"),
                        Map.entry("paid", "BOOLEAN"),
                        Map.entry("name", "VARCHAR"),
                        Map.entry("tags", "VARCHAR[]"));
        List<List<Object>> rows = ParquetReader.rows(
                file,
                "SELECT id, amount, day::VARCHAR, epoch_us(\"at\"), paid, name, tags::VARCHAR FROM FILES ORDER BY id");
        assertThat(rows.get(0))
                .containsExactly(
                        Long.MIN_VALUE,
                        new BigDecimal("-123456.78"),
                        "1969-12-31",
                        946684799999999L,
                        true,
                        "é \"quoted\", 😀",
                        "[a, NULL, '']");
        assertThat(rows.get(1))
                .containsExactly(0L, new BigDecimal("0.00"), "2000-01-01", 946684800000000L, false, "", "[]");
        assertThat(rows.get(2)).containsExactly(Long.MAX_VALUE, null, null, null, null, null, null);
    }

    @Test
    void everyCodecWritesAFileDuckDbReads() throws Exception {
        for (ParquetFormat.Codec codec : ParquetFormat.Codec.values()) {
            List<byte[]> tuples = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                tuples.add(tuple(int8(i), null, null, null, bool(i % 2 == 0), text("row " + i), null));
            }
            List<Path> file = write(new ParquetFormat(codec), tuples);

            assertThat(ParquetReader.rows(file, "SELECT count(*), sum(id) FROM FILES"))
                    .as(codec.name())
                    .containsExactly(List.of(1000L, new java.math.BigInteger("499500")));
        }
    }

    @Test
    void anInfiniteDateIsNotRepresentable() {
        List<byte[]> tuples =
                List.of(tuple(int8(1), null, io.pgferry.format.Tuples.int4(Integer.MAX_VALUE), null, null, null, null));

        assertThatThrownBy(() -> write(new ParquetFormat(ParquetFormat.Codec.NONE), tuples))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ValueNotRepresentable))
                .hasMessageContaining("infinite date");
    }

    private List<Path> write(ParquetFormat format, List<byte[]> tuples) throws Exception {
        byte[] bytes = encode(new ParquetOutput(format, COLUMNS, 64L << 20).begin(null), tuples);
        Path file = Files.createTempFile(temp, "rows", ".parquet");
        Files.write(file, bytes);
        return List.of(file);
    }
}
