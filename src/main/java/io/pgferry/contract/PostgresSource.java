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
public record PostgresSource(
        PostgresConnection connection,
        Optional<String> query,
        Optional<TableName> table,
        Duration statementTimeout,
        String timeZone,
        Partitioning partitioning) {
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofHours(2);
    /** ADF's placeholder in a query for a DynamicRange slice's condition. */
    public static final String RANGE_CONDITION_HOOK = "?AdfDynamicRangePartitionCondition";
    /** ADF's placeholder in a query for a PhysicalPartitionsOfTable slice's partition. */
    public static final String PARTITION_NAME_HOOK = "?AdfTabularPartitionName";

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

    /**
     * The SELECT that produces all the rows: ADF's partition placeholders in a query stand for no condition and for
     * the dataset's table.
     */
    public String selectSql() {
        return query.map(q -> withHooks(q, "TRUE", table.map(TableName::quoted).orElse(PARTITION_NAME_HOOK)))
                .orElseGet(() -> "SELECT * FROM " + table.orElseThrow().quoted());
    }

    /** Whether the query places DynamicRange conditions itself ({@link #RANGE_CONDITION_HOOK}). */
    public boolean queryPlacesRangeCondition() {
        return query.filter(q -> q.contains(RANGE_CONDITION_HOOK)).isPresent();
    }

    /** Whether the query names each partition itself ({@link #PARTITION_NAME_HOOK}). */
    public boolean queryNamesPartition() {
        return query.filter(q -> q.contains(PARTITION_NAME_HOOK)).isPresent();
    }

    /** The query with ADF's placeholders replaced: a slice's condition and its partition (quoted). */
    public static String withHooks(String query, String rangeCondition, String partition) {
        return query.replace(RANGE_CONDITION_HOOK, "(" + rangeCondition + ")").replace(PARTITION_NAME_HOOK, partition);
    }
}
