package io.pgferry.source.postgres;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * A column of the rows a copy reads, as the server describes it before running the query.
 *
 * @param typeName PostgreSQL's name of the type ({@code int4}, {@code numeric}, {@code _text} for text[], ...)
 * @param precision a numeric's declared precision, 0 when it has none
 * @param scale a numeric's declared scale
 */
public record SourceColumn(String name, String typeName, int precision, int scale) {
    public SourceColumn {
        requireNonNull(name, "name is null");
        requireNonNull(typeName, "typeName is null");
    }

    /**
     * Has the server parse {@code selectSql} on its own, with the extended protocol, and describe its columns. A query
     * that is not exactly one statement is refused here, before it is wrapped in a COPY (which pgjdbc sends with the
     * simple protocol), so it can neither close the COPY's parenthesis nor smuggle a second statement (a COMMIT, then
     * a write) past the read-only transaction.
     *
     * @throws CopyException when the statement returns no rows at all (DDL, a plain INSERT)
     */
    public static List<SourceColumn> describe(Connection connection, String selectSql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(selectSql)) {
            ResultSetMetaData metaData = statement.getMetaData();
            if (metaData == null) {
                throw CopyException.of(
                        ErrorCode.SourceQueryReturnsNoRows,
                        "the source query is not one that returns rows; it must be a SELECT (or VALUES, TABLE)",
                        null);
            }
            List<SourceColumn> columns = new ArrayList<>(metaData.getColumnCount());
            for (int i = 1; i <= metaData.getColumnCount(); i++) {
                columns.add(new SourceColumn(
                        metaData.getColumnLabel(i),
                        metaData.getColumnTypeName(i),
                        metaData.getPrecision(i),
                        metaData.getScale(i)));
            }
            return columns;
        }
    }
}
