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

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import io.pgferry.contract.AvroFormat;
import io.pgferry.source.postgres.SourceColumn;

/** {@link AvroOutput} on edge values, every codec, read back by Avro's own reader with its logical types. */
class AvroOutputTest {
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

    private static List<GenericRecord> read(byte[] file) throws Exception {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        List<GenericRecord> rows = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader =
                new DataFileReader<>(new SeekableByteArrayInput(file), new GenericDatumReader<>(null, null, model))) {
            reader.forEach(rows::add);
        }
        return rows;
    }
}
