package io.pgferry.format;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
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
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.SourceColumn;

/**
 * A sink format: the {@code COPY ... TO STDOUT} that feeds it and how its files are written from that COPY's rows.
 * CSV is rendered by PostgreSQL and passes through; JSON, Parquet and Avro decode a binary COPY.
 */
public interface OutputFormat {

    /**
     * @param columns the source's columns, as the server describes them
     * @param sliceBytes what each slice may buffer for its files
     * @throws io.pgferry.contract.CopyException when the columns cannot be written in this format
     */
    static OutputFormat of(SinkFormat format, List<SourceColumn> columns, long sliceBytes) {
        if (format instanceof DelimitedTextFormat delimitedText) {
            return new CsvPassThrough(delimitedText);
        }
        if (format instanceof JsonFormat json) {
            return new JsonOutput(json, columns);
        }
        if (format instanceof AvroFormat avro) {
            return new AvroOutput(avro, columns);
        }
        return new ParquetOutput((ParquetFormat) format, columns, sliceBytes);
    }

    /** The COPY that renders {@code selectSql} for this format. */
    String copySql(String selectSql);

    /** Whether {@link #copySql} asks for {@code FORMAT binary}. */
    boolean binaryCopy();

    /** Reads what the COPY sends before its rows (a header line) and tells how to write each file. */
    FileEncoding begin(CopyOutReader rows) throws SQLException;

    String contentType();

    /** Starts output files. */
    @FunctionalInterface
    interface FileEncoding {
        /** Starts a file on {@code out}, writing what comes before its rows. */
        FileEncoder open(OutputStream out) throws IOException;
    }

    /** Writes the rows of one file. Used by one thread. */
    interface FileEncoder {
        /** Writes one row as the COPY sent it. */
        void row(byte[] row) throws IOException;

        /** Writes what ends the file, leaving {@code out} open. */
        void finish() throws IOException;
    }
}
