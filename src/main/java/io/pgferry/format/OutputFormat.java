package io.pgferry.format;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;

import io.pgferry.source.postgres.CopyOutReader;

/**
 * A sink format: the {@code COPY ... TO STDOUT} that feeds it and how its files are written from that COPY's rows.
 * CSV is rendered by PostgreSQL and passes through; JSON, Parquet and Avro decode a binary COPY. {@link OutputFormats}
 * picks the one a sink asks for.
 */
public interface OutputFormat {

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
