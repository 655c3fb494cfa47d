package io.pgferry.format.csv;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
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
    private final byte[] rowDelimiter;
    /** PostgreSQL's own terminator, \n, is the one asked for: rows pass whole. */
    private final boolean rowsPassWhole;

    public CsvPassThrough(DelimitedTextFormat format) {
        this.format = requireNonNull(format, "format is null");
        this.rowDelimiter = format.rowDelimiter().getBytes(StandardCharsets.US_ASCII);
        this.rowsPassWhole = format.rowDelimiter().equals("\n");
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
                + ", ENCODING " + SqlLiteral.of(format.encoding()) + ")";
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
        byte[] header;
        if (format.firstRowAsHeader()) {
            byte[] line = rows.next();
            header = new byte[line.length - 1 + rowDelimiter.length];
            System.arraycopy(line, 0, header, 0, line.length - 1);
            System.arraycopy(rowDelimiter, 0, header, line.length - 1, rowDelimiter.length);
        } else {
            header = new byte[0];
        }
        return out -> {
            out.write(header);
            return new FileEncoder() {
                @Override
                public void row(byte[] row) throws IOException {
                    if (rowsPassWhole) {
                        out.write(row);
                    } else {
                        out.write(row, 0, row.length - 1);
                        out.write(rowDelimiter);
                    }
                }

                @Override
                public void finish() {
                    // a CSV file ends with its last row
                }
            };
        };
    }

    @Override
    public String contentType() {
        return "text/csv";
    }
}
