package io.pgferry.format.binary;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.source.postgres.SourceColumn;

/**
 * A source column as a typed format (Parquet, Avro) reads it from a binary COPY: the kind of value it holds, the SQL
 * that feeds it (the column itself, or cast to text for types without a typed match) and its values decoded from
 * PostgreSQL's binary encoding. One-dimensional arrays of these kinds are lists.
 *
 * @param index the column's position in the row, from 0
 * @param cast the COPY reads the column as text (text[] for an array)
 * @param precision a DECIMAL's precision
 */
public record BinaryColumn(int index, String name, Kind kind, boolean list, boolean cast, int precision, int scale) {
    /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01. */
    private static final long POSTGRES_EPOCH_MICROS = BinaryCodec.POSTGRES_EPOCH_DAYS * 86_400_000_000L;

    private static final int MAX_DECIMAL_PRECISION = 38;
    /** Text-like types whose binary form is their UTF-8 text, sent without a cast (a cast would trim char(n)). */
    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "bpchar", "name", "json", "xml");

    private static final Map<String, Kind> NATIVE_TYPES = Map.ofEntries(
            Map.entry("bool", Kind.BOOLEAN),
            Map.entry("int2", Kind.INT16),
            Map.entry("smallserial", Kind.INT16),
            Map.entry("int4", Kind.INT32),
            Map.entry("serial", Kind.INT32),
            Map.entry("int8", Kind.INT64),
            Map.entry("bigserial", Kind.INT64),
            Map.entry("oid", Kind.OID),
            Map.entry("float4", Kind.FLOAT),
            Map.entry("float8", Kind.DOUBLE),
            Map.entry("date", Kind.DATE),
            Map.entry("time", Kind.TIME),
            Map.entry("timestamp", Kind.TIMESTAMP),
            Map.entry("timestamptz", Kind.TIMESTAMPTZ),
            Map.entry("uuid", Kind.UUID),
            Map.entry("bytea", Kind.BYTES));
    /** Array element kinds decoded natively; arrays of anything else become lists of text. */
    private static final Set<Kind> NATIVE_ELEMENTS = Set.of(
            Kind.BOOLEAN,
            Kind.INT16,
            Kind.INT32,
            Kind.INT64,
            Kind.FLOAT,
            Kind.DOUBLE,
            Kind.DATE,
            Kind.TIMESTAMP,
            Kind.TIMESTAMPTZ,
            Kind.UUID,
            Kind.STRING);

    public enum Kind {
        BOOLEAN,
        INT16,
        INT32,
        INT64,
        OID,
        FLOAT,
        DOUBLE,
        DECIMAL,
        DATE,
        TIME,
        TIMESTAMP,
        TIMESTAMPTZ,
        UUID,
        BYTES,
        STRING
    }

    /** Receives one array element: its bytes, or a length of -1 for NULL. */
    @FunctionalInterface
    public interface ElementVisitor {
        void element(byte[] row, int offset, int length);
    }

    public BinaryColumn {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
    }

    public static BinaryColumn of(int index, SourceColumn column) {
        String type = column.typeName();
        boolean array = type.startsWith("_");
        String base = array ? type.substring(1) : type;
        Kind kind = kindOf(base, column);
        if (array && !NATIVE_ELEMENTS.contains(kind)) {
            kind = Kind.STRING;
        }
        boolean cast = kind == Kind.STRING && !TEXT_TYPES.contains(base);
        return new BinaryColumn(index, column.name(), kind, array, cast, column.precision(), column.scale());
    }

    private static Kind kindOf(String type, SourceColumn column) {
        if (type.equals("numeric")) {
            // Unconstrained numerics (and precisions the formats cannot hold) keep their exact text.
            boolean fits = column.precision() > 0
                    && column.precision() <= MAX_DECIMAL_PRECISION
                    && column.scale() >= 0
                    && column.scale() <= column.precision();
            return fits ? Kind.DECIMAL : Kind.STRING;
        }
        return NATIVE_TYPES.getOrDefault(type, Kind.STRING);
    }

    /**
     * The binary COPY of {@code projections} over the rows of {@code selectSql}, whose columns are renamed to their
     * {@link #alias}es: the columns' own names may be anything, even duplicates.
     */
    public static String copySql(List<String> projections, String selectSql) {
        List<String> aliases = IntStream.range(0, projections.size())
                .mapToObj(BinaryColumn::alias)
                .toList();
        return "COPY (SELECT " + String.join(", ", projections) + " FROM (" + selectSql + "\n) AS pgferry_row"
                + (aliases.isEmpty() ? "" : "(" + String.join(", ", aliases) + ")")
                + ") TO STDOUT WITH (FORMAT binary)";
    }

    /** The name the COPY's SELECT gives the column at {@code index}. */
    public static String alias(int index) {
        return "pgferry_" + (index + 1);
    }

    /** The column in the COPY's SELECT: itself, or cast to text. */
    String projection() {
        return cast ? alias(index) + "::text" + (list ? "[]" : "") : alias(index);
    }

    /** The number of elements of a one-dimensional array value; more dimensions are refused. */
    public int elementCount(byte[] row, int offset) {
        int dimensions = BinaryCodec.int32(row, offset);
        if (dimensions > 1) {
            throw notRepresentable("a " + dimensions + "-dimensional array, which a list cannot hold");
        }
        // ndim, has-nulls flag, element type, then the one dimension's length and lower bound
        return dimensions == 0 ? 0 : BinaryCodec.int32(row, offset + 12);
    }

    /** Visits the elements of a one-dimensional array value; more dimensions are refused. */
    public void forEachElement(byte[] row, int offset, ElementVisitor visitor) {
        int count = elementCount(row, offset);
        int position = offset + 20;
        for (int i = 0; i < count; i++) {
            int length = BinaryCodec.int32(row, position);
            position += 4;
            visitor.element(row, position, length);
            position += Math.max(length, 0);
        }
    }

    /** A date as days since 1970-01-01; infinity is refused. */
    public int epochDays(byte[] row, int offset) {
        int days = BinaryCodec.int32(row, offset);
        if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
            throw notRepresentable("an infinite date, which a typed date cannot hold");
        }
        return days + BinaryCodec.POSTGRES_EPOCH_DAYS;
    }

    /** A timestamp as microseconds since 1970-01-01 (UTC for timestamptz); infinity is refused. */
    public long epochMicros(byte[] row, int offset) {
        long micros = BinaryCodec.int64(row, offset);
        if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
            throw notRepresentable("an infinite timestamp, which a typed timestamp cannot hold");
        }
        return micros + POSTGRES_EPOCH_MICROS;
    }

    /** A DECIMAL's unscaled value at the column's scale; NaN and infinities are refused. */
    public BinaryCodec.Numeric decimal(byte[] row, int offset) {
        BinaryCodec.Numeric numeric = BinaryCodec.numeric(row, offset);
        if (numeric.special() != null) {
            throw notRepresentable(numeric.special() + ", which a DECIMAL cannot hold");
        }
        return numeric;
    }

    /** The unscaled value as the fewest-byte-or-given-width two's complement, big-endian. */
    public byte[] decimalBytes(BinaryCodec.Numeric numeric, int width) {
        BigInteger unscaled = numeric.unscaled(scale);
        byte[] minimal = unscaled.toByteArray();
        if (width <= minimal.length) {
            return minimal;
        }
        byte[] fixed = new byte[width];
        byte sign = unscaled.signum() < 0 ? (byte) 0xFF : 0;
        int pad = width - minimal.length;
        for (int i = 0; i < pad; i++) {
            fixed[i] = sign;
        }
        System.arraycopy(minimal, 0, fixed, pad, minimal.length);
        return fixed;
    }

    public CopyException notRepresentable(String what) {
        return CopyException.of(
                ErrorCode.ValueNotRepresentable,
                "column '" + name + "' holds " + what
                        + "; cast the column in the source query (e.g. to text) to copy it",
                null);
    }
}
