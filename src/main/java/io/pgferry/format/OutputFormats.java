package io.pgferry.format;

import java.util.List;

import io.pgferry.contract.AvroFormat;
import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.contract.SinkFormat;
import io.pgferry.format.avro.AvroOutput;
import io.pgferry.format.csv.CsvPassThrough;
import io.pgferry.format.json.JsonOutput;
import io.pgferry.format.parquet.ParquetOutput;
import io.pgferry.source.postgres.SourceColumn;

/** The {@link OutputFormat} a sink's dataset asks for; the formats themselves know only the interface. */
public final class OutputFormats {
    private OutputFormats() {}

    /**
     * @param columns the source's columns, as the server describes them
     * @param sliceBytes what each slice may buffer for its files
     * @param timeZone the source session's time zone
     * @throws io.pgferry.error.CopyException when the columns cannot be written in this format
     */
    public static OutputFormat of(SinkFormat format, List<SourceColumn> columns, long sliceBytes, String timeZone) {
        if (format instanceof DelimitedTextFormat delimitedText) {
            return new CsvPassThrough(delimitedText);
        }
        if (format instanceof JsonFormat json) {
            return new JsonOutput(json, columns, timeZone);
        }
        if (format instanceof AvroFormat avro) {
            return new AvroOutput(avro, columns);
        }
        return new ParquetOutput((ParquetFormat) format, columns, sliceBytes);
    }
}
