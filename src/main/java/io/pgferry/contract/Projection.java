package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The columns a copy writes, when the activity maps columns ({@code translator}) or adds some
 * ({@code source.additionalColumns}): the server computes them around the source's SELECT, so every format's fast
 * path stays as it is.
 *
 * @param allSourceColumns every source column in its order first (no mapping), then {@code columns}; without it, only
 *        {@code columns}, in mapping order
 * @param booleansAsNumbers {@code typeConversionSettings.treatBooleanAsNumber}: boolean columns are written 1 and 0
 */
public record Projection(boolean allSourceColumns, List<Column> columns, boolean booleansAsNumbers) {
    /** The source's columns as they are. */
    public static final Projection NONE = new Projection(true, List.of(), false);

    public Projection {
        columns = List.copyOf(columns);
    }

    public boolean isNone() {
        return allSourceColumns && columns.isEmpty() && !booleansAsNumbers;
    }

    /** A written column; {@code pointer} is where the request defined it, for errors found against the source. */
    public sealed interface Column {
        String name();

        String pointer();
    }

    /**
     * A source column under the sink's name, optionally converted to one of ADF's interim types.
     *
     * @param source the column's name in the source's result
     */
    public record SourceColumn(String source, String name, Optional<InterimType> type, String pointer)
            implements Column {
        public SourceColumn {
            requireNonNull(source, "source is null");
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }

    /** The same text in every row (an additional column's static value or evaluated expression). */
    public record Constant(String name, String value, String pointer) implements Column {
        public Constant {
            requireNonNull(name, "name is null");
            requireNonNull(value, "value is null");
        }
    }

    /** ADF's interim data types a mapping's {@code sink.type} may name, and PostgreSQL's type for each. */
    public enum InterimType {
        String("text"),
        Int16("smallint"),
        Int32("integer"),
        Int64("bigint"),
        Single("real"),
        Double("double precision"),
        Decimal("numeric"),
        Boolean("boolean"),
        DateTime("timestamp"),
        DateTimeOffset("timestamptz"),
        Date("date"),
        Time("time"),
        TimeSpan("interval"),
        Guid("uuid"),
        ByteArray("bytea");

        private final String postgresType;

        InterimType(String postgresType) {
            this.postgresType = postgresType;
        }

        /** A fixed type name of pgferry's, never the request's text. */
        public String postgresType() {
            return postgresType;
        }

        /** ADF spells the byte array {@code Byte[]}. */
        public static Optional<InterimType> named(String adfName) {
            if (adfName.equals("Byte[]")) {
                return Optional.of(ByteArray);
            }
            for (InterimType type : values()) {
                if (type.name().equals(adfName)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }
}
