package io.pgferry.format;

import java.sql.SQLException;

import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.SinkFormat;
import io.pgferry.format.csv.CsvPassThrough;
import io.pgferry.format.json.JsonPassThrough;
import io.pgferry.source.postgres.CopyOutReader;

/**
 * A format PostgreSQL renders itself: the copy asks for the file's bytes with a {@code COPY ... TO STDOUT} and passes
 * each row on with at most its terminator changed, so no value is parsed or re-encoded in the function.
 */
public interface PassThroughFormat {

    static PassThroughFormat of(SinkFormat format) {
        if (format instanceof DelimitedTextFormat delimitedText) {
            return new CsvPassThrough(delimitedText);
        }
        if (format instanceof JsonFormat json) {
            return new JsonPassThrough(json);
        }
        throw new IllegalArgumentException("no pass-through for " + format);
    }

    /** The COPY that renders {@code selectSql} in this format. */
    String copySql(String selectSql);

    /** Reads what PostgreSQL sends before the rows (a header line) and tells what frames each file. */
    ChunkFraming framing(CopyOutReader rows) throws SQLException;

    /**
     * Writes the next row to {@code out}.
     *
     * @return false when there are no more rows
     */
    boolean copyRow(CopyOutReader rows, RowOutput out) throws SQLException;

    String contentType();
}
