package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * What to read: the source {@code query} when given (it overrides the dataset's table, as in ADF), otherwise every
 * row of the dataset's table.
 *
 * @param statementTimeout how long the read may take ({@code queryTimeout}, else the linked service's
 *        {@code commandTimeout}, else ADF's two hours); zero for no limit
 * @param timeZone the session time zone, which renders {@code timestamptz}: V2's {@code timezone}, else UTC
 * @param partitioning how {@code parallelCopies} slices are cut
 */
public record PostgresSource(PostgresConnection connection, Optional<String> query, Optional<TableName> table,
        Duration statementTimeout, String timeZone, Partitioning partitioning) {
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofHours(2);

    public PostgresSource {
        requireNonNull(connection, "connection is null");
        requireNonNull(query, "query is null");
        requireNonNull(table, "table is null");
        requireNonNull(statementTimeout, "statementTimeout is null");
        requireNonNull(timeZone, "timeZone is null");
        requireNonNull(partitioning, "partitioning is null");
        if (query.isEmpty() && table.isEmpty()) {
            throw new IllegalArgumentException("neither query nor table");
        }
    }

    /** The SELECT that produces the rows. */
    public String selectSql() {
        return query.orElseGet(() -> "SELECT * FROM " + table.orElseThrow().quoted());
    }
}
