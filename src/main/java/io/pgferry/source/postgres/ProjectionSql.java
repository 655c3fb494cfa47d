package io.pgferry.source.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.pgferry.contract.Projection;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.Violation;

/**
 * A {@link Projection} as the SELECT the server runs around the source's: {@code SELECT "a" AS "x", ... FROM (...)}.
 * Names reach the SQL only as quoted identifiers, and a sink type only as one of pgferry's own type names. A constant
 * column's text never enters the SQL: each connection of the copy is given it as a bind value of
 * {@code set_config(name, value, true)} (ending with the transaction), and the SELECT reads it back with
 * {@code current_setting}.
 */
public final class ProjectionSql {
    private static final String SETTING_PREFIX = "pgferry.column_";

    private final Projection projection;

    public ProjectionSql(Projection projection) {
        this.projection = projection;
    }

    /** The settings each connection is given before the copy's SELECT runs: setting name to constant text. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < projection.columns().size(); i++) {
            if (projection.columns().get(i) instanceof Projection.Constant constant) {
                settings.put(SETTING_PREFIX + i, constant.value());
            }
        }
        return settings;
    }

    /**
     * The columns the copy writes, as the server describes the projection's SELECT around {@code selectSql}: the
     * source's own when there is no projection.
     *
     * @param sourceColumns the columns {@code selectSql} gives, as the server described them
     */
    public List<SourceColumn> columns(Connection connection, String selectSql, List<SourceColumn> sourceColumns)
            throws SQLException {
        return projection.isNone() ? sourceColumns : SourceColumn.describe(connection, wrap(selectSql, sourceColumns));
    }

    /**
     * The SELECT that writes the projection's columns from {@code selectSql}'s rows.
     *
     * @param sourceColumns the columns {@code selectSql} gives, as the server described them
     * @throws CopyException {@code ColumnMappingInvalid}, pointing at the mapping or additional column, when one names a
     *     column the source's result does not have, or adds a name the source's result has already
     */
    public String wrap(String selectSql, List<SourceColumn> sourceColumns) {
        if (projection.isNone()) {
            return selectSql;
        }
        List<String> items = new ArrayList<>();
        if (projection.allSourceColumns()) {
            boolean anyBoolean = projection.booleansAsNumbers()
                    && sourceColumns.stream()
                            .anyMatch(column -> column.typeName().equals("bool"));
            if (anyBoolean) {
                sourceColumns.forEach(
                        column -> items.add(converted(column, Optional.empty()) + " AS " + quote(column.name())));
            } else {
                items.add("pgferry_source.*");
            }
        }
        for (int i = 0; i < projection.columns().size(); i++) {
            Projection.Column column = projection.columns().get(i);
            if (projection.allSourceColumns()
                    && find(sourceColumns, column.name(), true).isPresent()) {
                throw refused(
                        column,
                        "adds the column '" + column.name() + "', which the source's result has"
                                + " already; give it another name");
            }
            String value;
            if (column instanceof Projection.SourceColumn mapped) {
                SourceColumn source = find(sourceColumns, mapped.source(), false)
                        .orElseThrow(() -> refused(
                                column,
                                "names the column '" + mapped.source()
                                        + "', which the source's result does not have; it" + " has "
                                        + names(sourceColumns)));
                value = converted(source, mapped.type());
            } else {
                value = "current_setting('" + SETTING_PREFIX + i + "')";
            }
            items.add(value + " AS " + quote(column.name()));
        }
        return "SELECT " + String.join(", ", items) + " FROM (" + selectSql + "\n) AS pgferry_source";
    }

    /** The column's value, converted to the mapping's type, or to a number when booleans are written as numbers. */
    private String converted(SourceColumn column, Optional<Projection.InterimType> type) {
        String value = quote(column.name());
        if (type.isPresent()) {
            return "(" + value + ")::" + type.get().postgresType();
        }
        if (projection.booleansAsNumbers() && column.typeName().equals("bool")) {
            return "(" + value + ")::integer";
        }
        return value;
    }

    /** The column of that name; failing that, the one column whose name differs only in case. */
    private static Optional<SourceColumn> find(List<SourceColumn> columns, String name, boolean exactOnly) {
        Optional<SourceColumn> exact =
                columns.stream().filter(column -> column.name().equals(name)).findFirst();
        if (exact.isPresent() || exactOnly) {
            return exact;
        }
        List<SourceColumn> folded = columns.stream()
                .filter(column -> column.name().equalsIgnoreCase(name))
                .toList();
        return folded.size() == 1 ? Optional.of(folded.get(0)) : Optional.empty();
    }

    private static String names(List<SourceColumn> columns) {
        List<String> names = columns.stream().map(SourceColumn::name).limit(20).toList();
        return String.join(", ", names) + (columns.size() > names.size() ? ", ..." : "");
    }

    private static CopyException refused(Projection.Column column, String reason) {
        return CopyException.at(
                ErrorCode.ColumnMappingInvalid,
                "the column mapping " + reason,
                new Violation(column.pointer(), reason));
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
