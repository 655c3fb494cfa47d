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
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgferry.contract.ParquetFormat;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.format.Tuples;
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

    private static final long SEED = 20261204L;

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

    @Test
    void everyOtherKindHasItsParquetTypeAndValue() throws Exception {
        List<SourceColumn> columns = List.of(
                new SourceColumn("id", "int4", 0, 0),
                new SourceColumn("small", "int2", 0, 0),
                new SourceColumn("real", "float4", 0, 0),
                new SourceColumn("ratio", "float8", 0, 0),
                new SourceColumn("object", "oid", 0, 0),
                new SourceColumn("clock", "time", 0, 0),
                new SourceColumn("local", "timestamp", 0, 0),
                new SourceColumn("uid", "uuid", 0, 0),
                new SourceColumn("blob", "bytea", 0, 0),
                new SourceColumn("ints", "_int4", 0, 0),
                new SourceColumn("exact", "numeric", 0, 0));
        byte[] uuid = ByteBuffer.allocate(16)
                .putLong(0x0123456789abcdefL)
                .putLong(0xfedcba9876543210L)
                .array();
        String exact = "-12345678901234567890.123456789012345678901234567890";
        List<byte[]> tuples = List.of(
                tuple(
                        Tuples.int4(Integer.MIN_VALUE),
                        Tuples.int2(Short.MAX_VALUE),
                        Tuples.int4(Float.floatToIntBits(-0.5f)),
                        Tuples.float8(Double.MAX_VALUE),
                        Tuples.int4(-1),
                        int8(LocalTime.of(13, 14, 15, 16_000).toNanoOfDay() / 1000),
                        timestamp(Instant.parse("2262-04-11T23:47:16.854775Z")),
                        uuid,
                        new byte[] {0, (byte) 0xFF},
                        Tuples.array(23, Tuples.int4(1), null, Tuples.int4(-3)),
                        text(exact)),
                tuple(Tuples.int4(2), null, null, null, null, null, null, null, null, null, null));

        Path file = writeFile(new ParquetFormat(ParquetFormat.Codec.ZSTD), columns, tuples);

        assertThat(ParquetReader.types(List.of(file)))
                .containsExactly(
                        Map.entry("id", "INTEGER"),
                        Map.entry("small", "SMALLINT"),
                        Map.entry("real", "FLOAT"),
                        Map.entry("ratio", "DOUBLE"),
                        Map.entry("object", "BIGINT"),
                        Map.entry("clock", "TIME"),
                        Map.entry("local", "TIMESTAMP"),
                        Map.entry("uid", "UUID"),
                        Map.entry("blob", "BLOB"),
                        Map.entry("ints", "INTEGER[]"),
                        Map.entry("exact", "VARCHAR"));
        List<List<Object>> rows = ParquetReader.rows(
                List.of(file),
                "SELECT id, small, \"real\", ratio, object, clock::VARCHAR, \"local\"::VARCHAR, uid::VARCHAR,"
                        + " hex(blob), ints::VARCHAR, exact FROM FILES ORDER BY id");
        assertThat(rows.get(0))
                .containsExactly(
                        Integer.MIN_VALUE,
                        Short.MAX_VALUE,
                        -0.5f,
                        Double.MAX_VALUE,
                        4_294_967_295L,
                        "13:14:15.000016",
                        "2262-04-11 23:47:16.854775",
                        "01234567-89ab-cdef-fedc-ba9876543210",
                        "00FF",
                        "[1, NULL, -3]",
                        exact);
        assertThat(rows.get(1)).containsExactly(2, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void decimalsTakeTheNarrowestPhysicalTypeAndReadBackExactlyAtAnyPrecision() throws Exception {
        List<SourceColumn> columns = List.of(
                new SourceColumn("id", "int4", 0, 0),
                new SourceColumn("d9", "numeric", 9, 2),
                new SourceColumn("d18", "numeric", 18, 4),
                new SourceColumn("d38", "numeric", 38, 10));
        Random random = new Random(SEED);
        List<List<BigDecimal>> values = new ArrayList<>();
        List<byte[]> tuples = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            List<BigDecimal> row = List.of(decimal(random, 9, 2), decimal(random, 18, 4), decimal(random, 38, 10));
            values.add(row);
            tuples.add(tuple(
                    Tuples.int4(i),
                    Tuples.numeric(row.get(0)),
                    Tuples.numeric(row.get(1)),
                    Tuples.numeric(row.get(2))));
        }
        // The extremes of each precision.
        List<BigDecimal> extremes = List.of(
                new BigDecimal("-9999999.99"),
                new BigDecimal("99999999999999.9999"),
                new BigDecimal("9".repeat(28) + "." + "9".repeat(10)));
        values.add(extremes);
        tuples.add(tuple(
                Tuples.int4(500),
                Tuples.numeric(extremes.get(0)),
                Tuples.numeric(extremes.get(1)),
                Tuples.numeric(extremes.get(2))));

        Path file = writeFile(new ParquetFormat(ParquetFormat.Codec.NONE), columns, tuples);

        assertThat(ParquetReader.rows(
                        List.of(file),
                        "SELECT name, type, coalesce(type_length::VARCHAR, '') FROM parquet_schema('" + file
                                + "') WHERE name LIKE 'd%'"))
                .containsExactly(
                        List.of("d9", "INT32", ""),
                        List.of("d18", "INT64", ""),
                        List.of("d38", "FIXED_LEN_BYTE_ARRAY", "16"));
        List<List<Object>> rows = ParquetReader.rows(List.of(file), "SELECT d9, d18, d38 FROM FILES ORDER BY id");
        for (int i = 0; i < values.size(); i++) {
            assertThat(rows.get(i)).as("row %d", i).containsExactlyElementsOf(values.get(i));
        }
    }

    @Test
    void rowGroupsFlushAsTheyFillAndTheFooterFindsEveryOne() throws Exception {
        List<SourceColumn> columns =
                List.of(new SourceColumn("id", "int8", 0, 0), new SourceColumn("name", "text", 0, 0));
        Random random = new Random(SEED + 1);
        List<byte[]> tuples = new ArrayList<>();
        for (int i = 0; i < 150_000; i++) {
            tuples.add(tuple(int8(i), text(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()))));
        }
        // The smallest row group pgferry writes: 4 MiB, as when a slice may buffer little.
        byte[] bytes = encode(
                new ParquetOutput(new ParquetFormat(ParquetFormat.Codec.SNAPPY), columns, 1).begin(null), tuples);
        Path file = Files.write(temp.resolve("groups.parquet"), bytes);

        List<List<Object>> groups = ParquetReader.rows(
                List.of(file),
                "SELECT count(DISTINCT row_group_id), sum(row_group_num_rows) FILTER (WHERE column_id = 0)"
                        + " FROM parquet_metadata('" + file + "')");
        assertThat(((Number) groups.get(0).get(0)).longValue()).as("row groups").isGreaterThan(1);
        assertThat(((Number) groups.get(0).get(1)).longValue()).isEqualTo(150_000);
        assertThat(ParquetReader.rows(List.of(file), "SELECT count(*), sum(id) FROM FILES"))
                .containsExactly(List.of(150_000L, BigInteger.valueOf(11_249_925_000L)));
    }

    @Test
    void aFileWithoutRowsStillHasTheSchema() throws Exception {
        Path file = writeFile(new ParquetFormat(ParquetFormat.Codec.SNAPPY), COLUMNS, List.of());

        assertThat(ParquetReader.types(List.of(file)))
                .containsKeys("id", "amount", "tags")
                .hasSize(7);
        assertThat(ParquetReader.rows(List.of(file), "SELECT count(*) FROM FILES"))
                .containsExactly(List.of(0L));
    }

    @Test
    void columnsParquetCannotNameAreRefused() {
        ParquetFormat format = new ParquetFormat(ParquetFormat.Codec.NONE);

        assertThatThrownBy(() -> new ParquetOutput(
                        format,
                        List.of(
                                new SourceColumn("a", "int4", 0, 0),
                                new SourceColumn("b", "int4", 0, 0),
                                new SourceColumn("a", "text", 0, 0)),
                        1L << 20))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ParquetSchemaInvalid))
                .hasMessageContaining("more than one column named a;");
        assertThatThrownBy(() -> new ParquetOutput(format, List.of(), 1L << 20))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ParquetSchemaInvalid))
                .hasMessageContaining("no columns");
    }

    @Test
    void aTwoDimensionalArrayIsNotRepresentable() {
        List<SourceColumn> columns = List.of(new SourceColumn("grid", "_int4", 0, 0));
        byte[] grid = ByteBuffer.allocate(44)
                .putInt(2)
                .putInt(0)
                .putInt(23)
                .putInt(1)
                .putInt(1)
                .putInt(1)
                .putInt(1)
                .putInt(4)
                .putInt(9)
                .putInt(0)
                .putInt(0)
                .array();

        assertThatThrownBy(() -> writeFile(new ParquetFormat(ParquetFormat.Codec.NONE), columns, List.of(tuple(grid))))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ValueNotRepresentable))
                .hasMessageContaining("'grid' holds a 2-dimensional array");
    }

    /** A value of at most {@code precision} digits, {@code scale} of them after the point, either sign. */
    private static BigDecimal decimal(Random random, int precision, int scale) {
        int digits = 1 + random.nextInt(precision);
        BigInteger unscaled = new BigInteger(digits * 4, random).mod(BigInteger.TEN.pow(digits));
        return new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), scale);
    }

    private Path writeFile(ParquetFormat format, List<SourceColumn> columns, List<byte[]> tuples) throws Exception {
        byte[] bytes = encode(new ParquetOutput(format, columns, 64L << 20).begin(null), tuples);
        return Files.write(Files.createTempFile(temp, "rows", ".parquet"), bytes);
    }

    private List<Path> write(ParquetFormat format, List<byte[]> tuples) throws Exception {
        byte[] bytes = encode(new ParquetOutput(format, COLUMNS, 64L << 20).begin(null), tuples);
        Path file = Files.createTempFile(temp, "rows", ".parquet");
        Files.write(file, bytes);
        return List.of(file);
    }
}
