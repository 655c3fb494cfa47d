package io.pgferry.format.csv;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.format.OutputFormat;
import io.pgferry.source.postgres.CopyOutReader;
import io.pgferry.source.postgres.SqlLiteral;

/**
 * DelimitedText written by PostgreSQL itself: the dataset's delimiter, quote, escape, NULL text and header become
 * {@code COPY ... (FORMAT csv)} options, and each row's bytes pass through unparsed. Only the row terminator is
 * rewritten (PostgreSQL ends rows with {@code \n}; ADF writes {@code \r\n} by default). Line breaks inside quoted
 * values stay as they are. PostgreSQL also converts the text to the file's encoding ({@code ENCODING}) and quotes
 * every non-NULL value for {@code quoteAllText} ({@code FORCE_QUOTE *}).
 *
 * <p>
 * PostgreSQL quotes a value only when it must (it holds the delimiter, quote or a line break, or equals the NULL
 * text), doubles or escapes quotes inside it, and writes SQL NULL unquoted but an empty string as {@code ""}, so NULL
 * and empty stay distinct.
 */
public final class CsvPassThrough implements OutputFormat {

    private final DelimitedTextFormat format;
    /** UTF-16, which PostgreSQL cannot write: rows come as UTF-8 and are re-encoded here; null otherwise. */
    private final Charset transcoding;

    private final byte[] rowDelimiter;
    /** PostgreSQL's own terminator, \n, is the one asked for and nothing is re-encoded: rows pass whole. */
    private final boolean rowsPassWhole;

    public CsvPassThrough(DelimitedTextFormat format) {
        this.format = requireNonNull(format, "format is null");
        this.transcoding = switch (format.encoding()) {
            case DelimitedTextFormat.UTF16_LE -> StandardCharsets.UTF_16LE;
            case DelimitedTextFormat.UTF16_BE -> StandardCharsets.UTF_16BE;
            default -> null;
        };
        this.rowDelimiter =
                format.rowDelimiter().getBytes(transcoding == null ? StandardCharsets.US_ASCII : transcoding);
        this.rowsPassWhole = format.rowDelimiter().equals("\n") && transcoding == null;
    }

    @Override
    public String copySql(String selectSql) {
        return "COPY (" + selectSql + "\n) TO STDOUT WITH (FORMAT csv"
                + ", DELIMITER " + SqlLiteral.of(String.valueOf(format.columnDelimiter()))
                + ", QUOTE " + SqlLiteral.of(String.valueOf(format.quoteChar()))
                + ", ESCAPE " + SqlLiteral.of(String.valueOf(format.escapeChar()))
                + ", NULL " + SqlLiteral.of(format.nullValue())
                + ", HEADER " + format.firstRowAsHeader()
                + (format.quoteAllText() ? ", FORCE_QUOTE *" : "")
                + ", ENCODING " + SqlLiteral.of(transcoding == null ? format.encoding() : "UTF8") + ")";
    }

    @Override
    public boolean binaryCopy() {
        return false;
    }

    /**
     * Reads the header line PostgreSQL sends first (even for an empty result) when the format has one; every file
     * starts with it, with this format's row terminator.
     */
    @Override
    public FileEncoding begin(CopyOutReader rows) throws SQLException {
        // UTF-16 files start with a byte order mark, as .NET (and so ADF) writes them.
        byte[] bom = transcoding == null ? new byte[0] : "\uFEFF".getBytes(transcoding);
        byte[] header = format.firstRowAsHeader() ? line(rows.next()) : new byte[0];
        return out -> {
            out.write(bom);
            out.write(header);
            return new FileEncoder() {
                @Override
                public void row(byte[] row) throws IOException {
                    if (rowsPassWhole) {
                        out.write(row);
                    } else if (transcoding == null) {
                        out.write(row, 0, row.length - 1);
                        out.write(rowDelimiter);
                    } else {
                        out.write(line(row));
                    }
                }

                @Override
                public void finish() {
                    // a CSV file ends with its last row
                }
            };
        };
    }

    /** A row from PostgreSQL (ending with \n) with this format's terminator, in the file's encoding. */
    private byte[] line(byte[] row) {
        byte[] text = transcoding == null
                ? row
                : new String(row, 0, row.length - 1, StandardCharsets.UTF_8)
                        .concat("\n")
                        .getBytes(transcoding);
        int unit = transcoding == null ? 1 : 2;
        byte[] line = new byte[text.length - unit + rowDelimiter.length];
        System.arraycopy(text, 0, line, 0, text.length - unit);
        System.arraycopy(rowDelimiter, 0, line, text.length - unit, rowDelimiter.length);
        return line;
    }

    @Override
    public String contentType() {
        return "text/csv";
    }
}
