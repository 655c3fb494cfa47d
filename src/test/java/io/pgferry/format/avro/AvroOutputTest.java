package io.pgferry.format.avro;

import static io.pgferry.format.Tuples.bool;
import static io.pgferry.format.Tuples.date;
import static io.pgferry.format.Tuples.encode;
import static io.pgferry.format.Tuples.float8;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32;

import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import io.pgferry.contract.AvroFormat;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.format.Tuples;
import io.pgferry.source.postgres.SourceColumn;

/** {@link AvroOutput} on edge values, every codec, read back by Avro's own reader with its logical types. */
class AvroOutputTest {
    private static final long SEED = 20261204L;
    private static final List<SourceColumn> COLUMNS = List.of(
            new SourceColumn("id", "int8", 19, 0),
            new SourceColumn("amount", "numeric", 10, 2),
            new SourceColumn("day", "date", 0, 0),
            new SourceColumn("at", "timestamptz", 0, 0),
            new SourceColumn("ratio", "float8", 0, 0),
            new SourceColumn("paid", "bool", 0, 0),
            new SourceColumn("name", "text", 0, 0),
            new SourceColumn("tags", "_text", 0, 0));

    @Test
    void edgeValuesReadBackWithTheirLogicalTypes() throws Exception {
        List<byte[]> tuples = List.of(
                tuple(
                        int8(Long.MIN_VALUE),
                        numeric(true, 1, 2, 12, 3456, 7800),
                        date(LocalDate.of(1969, 12, 31)),
                        timestamp(Instant.parse("1999-12-31T23:59:59.999999Z")),
                        float8(Double.NaN),
                        bool(true),
                        text("é \"quoted\", 😀"),
                        textArray("a", null, "")),
                tuple(int8(Long.MAX_VALUE), null, null, null, null, null, null, null));

        for (AvroFormat.Codec codec : AvroFormat.Codec.values()) {
            List<GenericRecord> rows =
                    read(encode(new AvroOutput(new AvroFormat(codec, 6), COLUMNS).begin(null), tuples));

            GenericRecord first = rows.get(0);
            assertThat(first.get("id")).isEqualTo(Long.MIN_VALUE);
            assertThat(first.get("amount")).isEqualTo(new BigDecimal("-123456.78"));
            assertThat(first.get("day")).isEqualTo(LocalDate.of(1969, 12, 31));
            assertThat(first.get("at")).isEqualTo(Instant.parse("1999-12-31T23:59:59.999999Z"));
            assertThat((Double) first.get("ratio")).isNaN();
            assertThat(first.get("paid")).isEqualTo(true);
            assertThat(first.get("name").toString()).isEqualTo("é \"quoted\", 😀");
            assertThat(((List<?>) first.get("tags")).stream().map(e -> e == null ? null : e.toString()))
                    .containsExactly("a", null, "");
            GenericRecord second = rows.get(1);
            assertThat(second.get("id")).as(codec.name()).isEqualTo(Long.MAX_VALUE);
            assertThat(second.get("amount")).isNull();
            assertThat(second.get("tags")).isNull();
        }
    }

    @Test
    void everyOtherKindReadsBackAsItsAvroType() throws Exception {
        List<SourceColumn> columns = List.of(
                new SourceColumn("small", "int2", 0, 0),
                new SourceColumn("int", "int4", 0, 0),
                new SourceColumn("real", "float4", 0, 0),
                new SourceColumn("object", "oid", 0, 0),
                new SourceColumn("clock", "time", 0, 0),
                new SourceColumn("local", "timestamp", 0, 0),
                new SourceColumn("id", "uuid", 0, 0),
                new SourceColumn("blob", "bytea", 0, 0),
                new SourceColumn("ints", "_int4", 0, 0),
                new SourceColumn("exact", "numeric", 0, 0),
                new SourceColumn("span", "interval", 0, 0));
        byte[] uuid = ByteBuffer.allocate(16)
                .putLong(0x0123456789abcdefL)
                .putLong(0xfedcba9876543210L)
                .array();
        String exact = "-12345678901234567890.123456789012345678901234567890";
        List<byte[]> tuples = List.of(tuple(
                Tuples.int2(Short.MIN_VALUE),
                Tuples.int4(Integer.MAX_VALUE),
                Tuples.int4(Float.floatToIntBits(-1.5e-3f)),
                Tuples.int4(-1),
                int8(LocalTime.of(23, 59, 59, 999_999_000).toNanoOfDay() / 1000),
                timestamp(Instant.parse("1999-12-31T23:59:59.000001Z")),
                uuid,
                new byte[] {0, (byte) 0xFF, 0x7F},
                Tuples.array(23, Tuples.int4(1), null, Tuples.int4(-3)),
                text(exact),
                text("1 year 2 mons")));

        List<GenericRecord> rows =
                read(encode(new AvroOutput(new AvroFormat(AvroFormat.Codec.NONE, 0), columns).begin(null), tuples));

        GenericRecord row = rows.get(0);
        assertThat(row.get("small")).isEqualTo((int) Short.MIN_VALUE);
        assertThat(row.get("int")).isEqualTo(Integer.MAX_VALUE);
        assertThat(row.get("real")).isEqualTo(-1.5e-3f);
        assertThat(row.get("object")).as("oid is unsigned").isEqualTo(4_294_967_295L);
        assertThat(row.get("clock")).isEqualTo(LocalTime.of(23, 59, 59, 999_999_000));
        assertThat(row.get("local")).isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 1000));
        assertThat(row.get("id")).isEqualTo(UUID.fromString("01234567-89ab-cdef-fedc-ba9876543210"));
        assertThat(((ByteBuffer) row.get("blob")).array()).containsExactly(0, 0xFF, 0x7F);
        assertThat(new ArrayList<Object>((List<?>) row.get("ints"))).containsExactly(1, null, -3);
        assertThat(row.get("exact").toString()).isEqualTo(exact);
        assertThat(row.get("span").toString()).isEqualTo("1 year 2 mons");
    }

    @Test
    void theSchemaIsOneNullableFieldPerColumnWithItsLogicalType() throws Exception {
        byte[] file = encode(new AvroOutput(new AvroFormat(AvroFormat.Codec.NONE, 0), COLUMNS).begin(null), List.of());

        Schema schema;
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(new SeekableByteArrayInput(file), new GenericDatumReader<>())) {
            schema = reader.getSchema();
            assertThat(reader.hasNext()).as("no rows").isFalse();
            assertThat(reader.getMetaString("pgferry.writer")).isEqualTo("pgferry");
        }
        assertThat(schema.getFullName()).isEqualTo("io.pgferry.pgferry_row");
        assertThat(schema.getFields())
                .extracting(Schema.Field::name)
                .containsExactly("id", "amount", "day", "at", "ratio", "paid", "name", "tags");
        for (Schema.Field field : schema.getFields()) {
            assertThat(field.schema().getTypes().get(0).getType())
                    .as(field.name())
                    .isEqualTo(Schema.Type.NULL);
            assertThat(field.defaultVal()).as(field.name()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        }
        Schema amount = schema.getField("amount").schema().getTypes().get(1);
        assertThat(amount.getLogicalType()).isEqualTo(LogicalTypes.decimal(10, 2));
        assertThat(schema.getField("at").schema().getTypes().get(1).getLogicalType())
                .isEqualTo(LogicalTypes.timestampMicros());
        Schema tags = schema.getField("tags").schema().getTypes().get(1);
        assertThat(tags.getType()).isEqualTo(Schema.Type.ARRAY);
        assertThat(tags.getElementType().getTypes())
                .extracting(Schema::getType)
                .containsExactly(Schema.Type.NULL, Schema.Type.STRING);
    }

    @Test
    void anyDecimalOfTheColumnsPrecisionReadsBackExactly() throws Exception {
        Random random = new Random(SEED);
        List<SourceColumn> columns = List.of(new SourceColumn("d", "numeric", 38, 9));
        List<BigDecimal> values = new ArrayList<>();
        List<byte[]> tuples = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int digits = 1 + random.nextInt(38);
            BigInteger unscaled = new BigInteger(digits * 4, random).mod(BigInteger.TEN.pow(digits));
            BigDecimal value = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), 9);
            values.add(value);
            tuples.add(tuple(Tuples.numeric(value)));
        }

        List<GenericRecord> rows =
                read(encode(new AvroOutput(new AvroFormat(AvroFormat.Codec.DEFLATE, 1), columns).begin(null), tuples));

        assertThat(rows).extracting(row -> row.get("d")).containsExactlyElementsOf(values);
    }

    @Test
    void manyRowsSpanManyBlocksOfEveryCodec() throws Exception {
        List<SourceColumn> columns =
                List.of(new SourceColumn("id", "int8", 0, 0), new SourceColumn("name", "text", 0, 0));
        List<byte[]> tuples = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            tuples.add(tuple(int8(i), text("row number " + i)));
        }
        for (AvroFormat.Codec codec : AvroFormat.Codec.values()) {
            List<GenericRecord> rows =
                    read(encode(new AvroOutput(new AvroFormat(codec, 9), columns).begin(null), tuples));

            assertThat(rows).as(codec.name()).hasSize(20_000);
            assertThat(rows.stream().mapToLong(row -> (Long) row.get("id")).sum())
                    .isEqualTo(199_990_000L);
            assertThat(rows.get(19_999).get("name").toString()).isEqualTo("row number 19999");
        }
    }

    @Test
    void namesAvroCannotHoldAreRefusedBeforeAnythingIsWritten() {
        AvroFormat format = new AvroFormat(AvroFormat.Codec.NONE, 0);

        assertThatThrownBy(() -> new AvroOutput(
                        format,
                        List.of(
                                new SourceColumn("ok_1", "int4", 0, 0), new SourceColumn("1st", "int4", 0, 0),
                                new SourceColumn("a-b", "int4", 0, 0), new SourceColumn("é", "int4", 0, 0))))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AvroSchemaInvalid))
                .hasMessageEndingWith("; refused: 1st, a-b, é; alias the columns in the query");
        assertThatThrownBy(() -> new AvroOutput(
                        format, List.of(new SourceColumn("a", "int4", 0, 0), new SourceColumn("a", "text", 0, 0))))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AvroSchemaInvalid))
                .hasMessageContaining("no two alike");
        assertThatThrownBy(() -> new AvroOutput(format, List.of()))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.AvroSchemaInvalid));
    }

    /**
     * Parquet's encoder throws its {@link CopyException} as it is (see ParquetOutputTest), so the copy answers 400
     * ValueNotRepresentable; Avro's {@code DataFileWriter.append} wraps it in an {@code AppendWriteException}, which
     * AvroOutput unwraps, so the same value is the same 400 for Avro (it was a 500 InternalError).
     */
    @Test
    void aValueAvroCannotHoldIsACopyExceptionAsForParquet() {
        List<SourceColumn> columns = List.of(new SourceColumn("at", "timestamptz", 0, 0));

        assertThatThrownBy(() -> encode(
                        new AvroOutput(new AvroFormat(AvroFormat.Codec.NONE, 0), columns).begin(null),
                        List.of(tuple(int8(Long.MAX_VALUE)))))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ValueNotRepresentable));
    }

    @Test
    void snappyBlocksAreRawSnappyThenTheBigEndianCrc32AsSnappyJavaReadsThem() throws Exception {
        Random random = new Random(SEED + 1);
        SnappyCodec codec = new SnappyCodec();
        for (int size : new int[] {0, 1, 100, 65_536, 300_001}) {
            byte[] input = new byte[size];
            for (int i = 0; i < size; i++) {
                input[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt() : 'a' + i % 7);
            }

            ByteBuffer block = codec.compress(ByteBuffer.wrap(input));

            byte[] bytes = new byte[block.remaining()];
            block.duplicate().get(bytes);
            byte[] compressed = java.util.Arrays.copyOf(bytes, bytes.length - 4);
            CRC32 crc = new CRC32();
            crc.update(input);
            assertThat(Snappy.uncompress(compressed)).as("size %d", size).isEqualTo(input);
            assertThat(ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()).isEqualTo((int) crc.getValue());
            ByteBuffer back = codec.decompress(ByteBuffer.wrap(bytes));
            byte[] roundTrip = new byte[back.remaining()];
            back.get(roundTrip);
            assertThat(roundTrip).isEqualTo(input);
        }
        assertThat(codec.getName())
                .as("the codec name in the file's avro.codec")
                .isEqualTo("snappy");
    }

    private static List<GenericRecord> read(byte[] file) throws Exception {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
        model.addLogicalTypeConversion(new Conversions.UUIDConversion());
        List<GenericRecord> rows = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(new SeekableByteArrayInput(file), new GenericDatumReader<>(null, null, model))) {
            reader.forEach(rows::add);
        }
        return rows;
    }
}
