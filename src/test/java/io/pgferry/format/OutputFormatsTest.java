package io.pgferry.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pgferry.contract.AvroFormat;
import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.format.avro.AvroOutput;
import io.pgferry.format.csv.CsvPassThrough;
import io.pgferry.format.json.JsonOutput;
import io.pgferry.format.parquet.ParquetOutput;
import io.pgferry.source.postgres.SourceColumn;

/** Each dataset format gets its encoder, the COPY it needs (text CSV or binary) and its content type. */
class OutputFormatsTest {
    private static final List<SourceColumn> COLUMNS = List.of(new SourceColumn("id", "int8", 0, 0));

    @Test
    void eachSinkFormatHasItsEncoderCopyAndContentType() {
        OutputFormat csv = OutputFormats.of(
                new DelimitedTextFormat(',', "\r\n", '"', '\\', false, "", false, "UTF8"), COLUMNS, 1L << 20, "UTC");
        OutputFormat json = OutputFormats.of(new JsonFormat(false), COLUMNS, 1L << 20, "UTC");
        OutputFormat avro = OutputFormats.of(new AvroFormat(AvroFormat.Codec.NONE, 0), COLUMNS, 1L << 20, "UTC");
        OutputFormat parquet =
                OutputFormats.of(new ParquetFormat(ParquetFormat.Codec.SNAPPY), COLUMNS, 1L << 20, "UTC");

        assertThat(csv).isInstanceOf(CsvPassThrough.class);
        assertThat(json).isInstanceOf(JsonOutput.class);
        assertThat(avro).isInstanceOf(AvroOutput.class);
        assertThat(parquet).isInstanceOf(ParquetOutput.class);
        assertThat(List.of(csv, json, avro, parquet))
                .extracting(OutputFormat::binaryCopy, OutputFormat::contentType)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(false, "text/csv"),
                        org.assertj.core.groups.Tuple.tuple(true, "application/json"),
                        org.assertj.core.groups.Tuple.tuple(true, "application/avro"),
                        org.assertj.core.groups.Tuple.tuple(true, "application/vnd.apache.parquet"));
        assertThat(avro.copySql("SELECT 1")).endsWith("TO STDOUT WITH (FORMAT binary)");
        assertThat(csv.copySql("SELECT 1")).contains("(FORMAT csv");
    }
}
