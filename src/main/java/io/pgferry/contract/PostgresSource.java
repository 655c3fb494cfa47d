package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What to read: the source {@code query} when given (it overrides the dataset's table, as in ADF), otherwise every
 * row of the dataset's table.
 */
public record PostgresSource(PostgresConnection connection, Optional<String> query, Optional<TableName> table) {
    public PostgresSource {
        requireNonNull(connection, "connection is null");
        requireNonNull(query, "query is null");
        requireNonNull(table, "table is null");
        if (query.isEmpty() && table.isEmpty()) {
            throw new IllegalArgumentException("neither query nor table");
        }
    }

    /** The SELECT that produces the rows. */
    public String selectSql() {
        return query.orElseGet(() -> "SELECT * FROM " + table.orElseThrow().quoted());
    }
}
