package io.pgferry.payload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.pgferry.contract.Incremental;
import io.pgferry.contract.Partitioning;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.TableName;
import io.pgferry.error.ErrorCode;

/**
 * The source half of a copy request: the PostgreSQL dataset, its linked service (legacy {@code PostgreSql} with an
 * ODBC connection string or separate fields, {@code PostgreSqlV2}, {@code AzurePostgreSql}) and the copy source's
 * query and timeout.
 */
final class SourceReader {
    private static final Pattern RANGE_BOUND = Pattern.compile("-?\\d{1,19}|\\d{4}-\\d{2}-\\d{2}"
            + "(?:[ T]\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,6})?)?(?:Z|[+-]\\d{2}(?::?\\d{2})?)?)?");

    private final Reading reading;
    private final PostgresServiceReader services;

    SourceReader(Reading reading) {
        this.reading = reading;
        this.services = new PostgresServiceReader(reading);
    }

    /** @param dataset null when the input reference did not resolve: the source settings are checked anyway */
    PostgresSource source(Field dataset, Field settings, Map<String, Field> linkedServices) {
        reading.oneOf(
                settings.get("type"),
                Set.of("RelationalSource", "PostgreSqlSource", "PostgreSqlV2Source", "AzurePostgreSqlSource"));
        Optional<String> query = Optional.ofNullable(reading.string(settings.get("query"), false))
                .map(q -> q.strip().replaceAll("[\\s;]+$", ""))
                .filter(q -> !q.isEmpty());
        Optional<Duration> queryTimeout = reading.timespan(settings.get("queryTimeout"));
        Partitioning partitioning = partitioning(settings);
        if (dataset == null) {
            return null;
        }
        return reading.within(
                reading.scope().withDataset(reading.parameters(dataset)),
                () -> source(dataset, settings, linkedServices, query, queryTimeout, partitioning));
    }

    /**
     * {@code partitionOption} (ADF's examples; its docs' table says {@code partitionOptions}: both are read) and
     * {@code partitionSettings}.
     */
    private Partitioning partitioning(Field settings) {
        Field option = settings.get("partitionOption").present()
                ? settings.get("partitionOption")
                : settings.get("partitionOptions");
        Field partitionSettings = reading.strict(settings.get("partitionSettings"));
        reading.pointTo(ErrorCode.Field.SOURCE_PARTITIONS, partitionSettings.present() ? partitionSettings : option);
        String kind = Optional.ofNullable(reading.string(option, false)).orElse("None");
        switch (kind) {
            case "None":
                return new Partitioning.PhysicalPages();
            case "DynamicRange":
                if (partitionSettings.get("partitionColumnName").present()) {
                    reading.pointTo(
                            ErrorCode.Field.SOURCE_PARTITION_COLUMN, partitionSettings.get("partitionColumnName"));
                }
                return new Partitioning.DynamicRange(
                        Optional.ofNullable(reading.string(partitionSettings.get("partitionColumnName"), false)),
                        bound(partitionSettings.get("partitionLowerBound")),
                        bound(partitionSettings.get("partitionUpperBound")));
            case "PhysicalPartitionsOfTable": {
                List<TableName> names = new ArrayList<>();
                Field given = partitionSettings.get("partitionNames");
                if (given.present() && !given.node().isArray()) {
                    reading.violation(given, "must be an array of partition names");
                }
                for (int i = 0; i < given.node().size() && given.node().isArray(); i++) {
                    Field name = given.get(i);
                    Optional.ofNullable(reading.string(name, true))
                            .flatMap(text -> tableName(name, text))
                            .ifPresent(names::add);
                }
                return new Partitioning.PhysicalPartitions(names, given.pointer());
            }
            default:
                reading.violation(
                        option,
                        "'" + kind + "' is not supported; supported: None, DynamicRange,"
                                + " PhysicalPartitionsOfTable");
                return null;
        }
    }

    /** A DynamicRange bound: an integer, a date or a timestamp, as the partition column's type takes them. */
    private Optional<String> bound(Field field) {
        Optional<String> bound =
                Optional.ofNullable(reading.string(field, false)).map(String::strip);
        if (bound.isPresent() && !RANGE_BOUND.matcher(bound.get()).matches()) {
            reading.violation(field, "must be an integer, a date (2026-01-31) or a timestamp (2026-01-31T08:00:00)");
            return Optional.empty();
        }
        return bound;
    }

    private PostgresSource source(
            Field dataset,
            Field settings,
            Map<String, Field> linkedServices,
            Optional<String> query,
            Optional<Duration> queryTimeout,
            Partitioning partitioning) {
        Field properties = dataset.get("properties");
        reading.oneOf(
                properties.get("type"),
                Set.of("RelationalTable", "PostgreSqlTable", "PostgreSqlV2Table", "AzurePostgreSqlTable"));
        Field tableSettings = reading.strict(properties.get("typeProperties"));
        Optional<TableName> table = datasetTable(tableSettings);
        if (!settings.get("query").present()
                && table.isEmpty()
                && !tableSettings.get("tableName").present()
                && !tableSettings.get("table").present()) {
            reading.violation(settings.get("query"), "is required when the source dataset names no table");
        }
        reading.pointTo(
                ErrorCode.Field.SOURCE_QUERY,
                settings.get("query").present()
                        ? settings.get("query")
                        : tableSettings.get("tableName").present()
                                ? tableSettings.get("tableName")
                                : tableSettings.get("table"));
        Field linkedService = reading.linkedService(properties.get("linkedServiceName"), linkedServices);
        PostgresServiceReader.SourceService service = linkedService == null
                ? null
                : reading.within(
                        reading.scope().withLinkedService(reading.parameters(linkedService)),
                        () -> services.read(linkedService));
        if (service == null || partitioning == null || (query.isEmpty() && table.isEmpty())) {
            return null;
        }
        Duration timeout = queryTimeout.or(service::commandTimeout).orElse(PostgresSource.DEFAULT_STATEMENT_TIMEOUT);
        return new PostgresSource(service.connection(), query, table, timeout, service.timeZone(), partitioning);
    }

    /** {@code schema} + {@code table} taken literally (V2 datasets), or {@code tableName} parsed. */
    private Optional<TableName> datasetTable(Field settings) {
        String table = reading.string(settings.get("table"), false);
        if (table != null) {
            Optional<String> schema = Optional.ofNullable(reading.string(settings.get("schema"), false))
                    .filter(name -> !name.isEmpty());
            if (schema.isPresent()) {
                reading.pointTo(ErrorCode.Field.SOURCE_SCHEMA, settings.get("schema"));
            }
            if (table.isEmpty()) {
                reading.violation(settings.get("table"), "must not be empty");
                return Optional.empty();
            }
            if (table.indexOf('\0') >= 0
                    || schema.filter(name -> name.indexOf('\0') >= 0).isPresent()) {
                reading.violation(
                        settings.get(table.indexOf('\0') >= 0 ? "table" : "schema"),
                        "contains a NUL character, which no PostgreSQL name can hold");
                return Optional.empty();
            }
            return Optional.of(new TableName(schema, table));
        }
        return Optional.ofNullable(reading.string(settings.get("tableName"), false))
                .flatMap(text -> tableName(settings.get("tableName"), text));
    }

    private Optional<TableName> tableName(Field field, String text) {
        try {
            return Optional.of(TableName.parse(text));
        } catch (IllegalArgumentException e) {
            reading.violation(field, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * {@code source.incremental}: a table's column of timestamps, dates or integers, and the key its watermark is kept
     * under (by default the pipeline's, the activity's and the table's names). Empty after a violation.
     */
    Optional<Incremental> incremental(Field field, PostgresSource source, String activityName) {
        if (reading.object(reading.strict(field)) == null) {
            return Optional.empty();
        }
        String column = reading.string(field.get("watermarkColumn"), true);
        String key = reading.string(field.get("stateKey"), false);
        if (column != null && (column.isEmpty() || column.chars().anyMatch(c -> c < 0x20))) {
            reading.violation(field.get("watermarkColumn"), "must be a column name");
            return Optional.empty();
        }
        if (source != null && source.query().isPresent()) {
            reading.violation(field, "needs the dataset's table: an incremental copy reads a table, not a query");
            return Optional.empty();
        }
        if (column == null || source == null) {
            return Optional.empty();
        }
        String pipeline = reading.scope().pipeline().path("Pipeline").asText("");
        String stateKey = key != null && !key.isBlank()
                ? key
                : pipeline + "/" + activityName + "/"
                        + source.table().orElseThrow().quoted();
        return Optional.of(new Incremental(column, stateKey, field.pointer()));
    }
}
