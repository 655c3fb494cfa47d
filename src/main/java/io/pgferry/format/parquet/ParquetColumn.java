package io.pgferry.format.parquet;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;
import java.util.Map;
import java.util.Set;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import io.pgferry.contract.CopyException;
import io.pgferry.source.postgres.SourceColumn;

/**
 * How one source column becomes a Parquet column: its Parquet type, the SQL that feeds it in the binary COPY (the
 * column itself, or cast to text for types Parquet has no match for) and how a value in PostgreSQL's binary encoding
 * is written. One-dimensional arrays become Parquet LISTs of their element.
 *
 * @param index the column's position in the row, from 0
 * @param cast the COPY reads the column as text (text[] for an array)
 */
record ParquetColumn(int index, String name, Kind kind, boolean list, boolean cast, int precision, int scale) {
    /** Microseconds and days from the Unix epoch to PostgreSQL's, 2000-01-01. */
    private static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
    private static final int POSTGRES_EPOCH_DAYS = 10_957;
    private static final int MAX_DECIMAL_PRECISION = 38;
    /** Text-like types whose binary form is their UTF-8 text, sent without a cast (a cast would trim char(n)). */
    private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "bpchar", "name", "json", "xml");
    private static final Map<String, Kind> NATIVE_TYPES = Map.ofEntries(Map.entry("bool", Kind.BOOLEAN),
            Map.entry("int2", Kind.INT16), Map.entry("smallserial", Kind.INT16), Map.entry("int4", Kind.INT32),
            Map.entry("serial", Kind.INT32), Map.entry("int8", Kind.INT64), Map.entry("bigserial", Kind.INT64),
            Map.entry("oid", Kind.OID), Map.entry("float4", Kind.FLOAT), Map.entry("float8", Kind.DOUBLE),
            Map.entry("date", Kind.DATE), Map.entry("time", Kind.TIME), Map.entry("timestamp", Kind.TIMESTAMP),
            Map.entry("timestamptz", Kind.TIMESTAMPTZ), Map.entry("uuid", Kind.UUID), Map.entry("bytea", Kind.BYTES));
    /** Array element types decoded natively; arrays of anything else become lists of text. */
    private static final Set<Kind> NATIVE_ELEMENTS = Set.of(Kind.BOOLEAN, Kind.INT16, Kind.INT32, Kind.INT64,
            Kind.FLOAT, Kind.DOUBLE, Kind.DATE, Kind.TIMESTAMP, Kind.TIMESTAMPTZ, Kind.UUID, Kind.STRING);

    enum Kind {
        BOOLEAN, INT16, INT32, INT64, OID, FLOAT, DOUBLE, DECIMAL, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, UUID, BYTES,
        STRING
    }

    ParquetColumn {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
    }

    static ParquetColumn of(int index, SourceColumn column) {
        String type = column.typeName();
        boolean array = type.startsWith("_");
        String base = array ? type.substring(1) : type;
        Kind kind = kindOf(base, column);
        if (array && !NATIVE_ELEMENTS.contains(kind)) {
            kind = Kind.STRING;
        }
        boolean cast = kind == Kind.STRING && !TEXT_TYPES.contains(base);
        return new ParquetColumn(index, column.name(), kind, array, cast, column.precision(), column.scale());
    }

    private static Kind kindOf(String type, SourceColumn column) {
        if (type.equals("numeric")) {
            // Unconstrained numerics (and precisions Parquet cannot hold) keep their exact text.
            boolean fits = column.precision() > 0 && column.precision() <= MAX_DECIMAL_PRECISION
                    && column.scale() >= 0 && column.scale() <= column.precision();
            return fits ? Kind.DECIMAL : Kind.STRING;
        }
        return NATIVE_TYPES.getOrDefault(type, Kind.STRING);
    }

    /**
     * The name the COPY's SELECT gives the column: the column's own name may be anything, even a duplicate.
     */
    String alias() {
        return "pgferry_" + (index + 1);
    }

    /** The column in the COPY's SELECT, over the source rows with their columns renamed to {@link #alias()}. */
    String projection() {
        return cast ? alias() + "::text" + (list ? "[]" : "") : alias();
    }

    Type type() {
        Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> builder = switch (kind) {
            case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN);
            case INT16 -> Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, true));
            case INT32 -> Types.optional(PrimitiveTypeName.INT32);
            case INT64 -> Types.optional(PrimitiveTypeName.INT64);
            case OID -> Types.optional(PrimitiveTypeName.INT64);
            case FLOAT -> Types.optional(PrimitiveTypeName.FLOAT);
            case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE);
            case DECIMAL -> decimalType();
            case DATE -> Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType());
            case TIME -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS));
            case TIMESTAMP -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS));
            case TIMESTAMPTZ -> Types.optional(PrimitiveTypeName.INT64)
                    .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
            case UUID -> Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(16)
                    .as(LogicalTypeAnnotation.uuidType());
            case BYTES -> Types.optional(PrimitiveTypeName.BINARY);
            case STRING -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType());
        };
        if (!list) {
            return builder.named(name);
        }
        return Types.optionalList().element(builder.named("element")).named(name);
    }

    private Types.PrimitiveBuilder<org.apache.parquet.schema.PrimitiveType> decimalType() {
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(scale, precision);
        if (precision <= 9) {
            return Types.optional(PrimitiveTypeName.INT32).as(decimal);
        }
        if (precision <= 18) {
            return Types.optional(PrimitiveTypeName.INT64).as(decimal);
        }
        return Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY).length(decimalBytes(precision)).as(decimal);
    }

    /** The fewest bytes whose two's complement holds every value of {@code precision} digits. */
    private static int decimalBytes(int precision) {
        return (BigInteger.TEN.pow(precision).bitLength() + 1 + 7) / 8;
    }

    /** Writes a non-NULL value: PostgreSQL's binary encoding of this column's type, {@code length} bytes at offset. */
    void write(RecordConsumer consumer, byte[] row, int offset, int length) {
        if (!list) {
            writeValue(consumer, row, offset, length);
            return;
        }
        int dimensions = BinaryCodec.int32(row, offset);
        if (dimensions > 1) {
            throw notRepresentable("a " + dimensions + "-dimensional array, which a Parquet LIST cannot hold");
        }
        consumer.startGroup();
        if (dimensions == 1) {
            // ndim, has-nulls flag, element type, then the one dimension's length and lower bound
            int count = BinaryCodec.int32(row, offset + 12);
            int position = offset + 20;
            consumer.startField("list", 0);
            for (int i = 0; i < count; i++) {
                int elementLength = BinaryCodec.int32(row, position);
                position += 4;
                consumer.startGroup();
                if (elementLength >= 0) {
                    consumer.startField("element", 0);
                    writeValue(consumer, row, position, elementLength);
                    consumer.endField("element", 0);
                    position += elementLength;
                }
                consumer.endGroup();
            }
            consumer.endField("list", 0);
        }
        consumer.endGroup();
    }

    private void writeValue(RecordConsumer consumer, byte[] row, int offset, int length) {
        switch (kind) {
            case BOOLEAN -> consumer.addBoolean(row[offset] != 0);
            case INT16 -> consumer.addInteger(BinaryCodec.int16(row, offset));
            case INT32 -> consumer.addInteger(BinaryCodec.int32(row, offset));
            case INT64 -> consumer.addLong(BinaryCodec.int64(row, offset));
            case OID -> consumer.addLong(BinaryCodec.int32(row, offset) & 0xFFFF_FFFFL);
            case FLOAT -> consumer.addFloat(Float.intBitsToFloat(BinaryCodec.int32(row, offset)));
            case DOUBLE -> consumer.addDouble(Double.longBitsToDouble(BinaryCodec.int64(row, offset)));
            case DECIMAL -> writeDecimal(consumer, row, offset);
            case DATE -> {
                int days = BinaryCodec.int32(row, offset);
                if (days == Integer.MAX_VALUE || days == Integer.MIN_VALUE) {
                    throw notRepresentable("an infinite date, which a Parquet DATE cannot hold");
                }
                consumer.addInteger(days + POSTGRES_EPOCH_DAYS);
            }
            case TIME -> consumer.addLong(BinaryCodec.int64(row, offset));
            case TIMESTAMP, TIMESTAMPTZ -> {
                long micros = BinaryCodec.int64(row, offset);
                if (micros == Long.MAX_VALUE || micros == Long.MIN_VALUE) {
                    throw notRepresentable("an infinite timestamp, which a Parquet TIMESTAMP cannot hold");
                }
                consumer.addLong(micros + POSTGRES_EPOCH_MICROS);
            }
            case UUID, BYTES, STRING -> consumer.addBinary(Binary.fromReusedByteArray(row, offset, length));
        }
    }

    private void writeDecimal(RecordConsumer consumer, byte[] row, int offset) {
        BinaryCodec.Numeric numeric = BinaryCodec.numeric(row, offset);
        if (numeric.special() != null) {
            throw notRepresentable(numeric.special() + ", which a Parquet DECIMAL cannot hold");
        }
        if (precision <= 9) {
            consumer.addInteger((int) numeric.unscaledLong(scale));
            return;
        }
        if (precision <= 18) {
            consumer.addLong(numeric.unscaledLong(scale));
            return;
        }
        BigInteger unscaled = numeric.unscaled(scale);
        byte[] minimal = unscaled.toByteArray();
        byte[] fixed = new byte[decimalBytes(precision)];
        byte sign = unscaled.signum() < 0 ? (byte) 0xFF : 0;
        int pad = fixed.length - minimal.length;
        for (int i = 0; i < pad; i++) {
            fixed[i] = sign;
        }
        System.arraycopy(minimal, 0, fixed, pad, minimal.length);
        consumer.addBinary(Binary.fromConstantByteArray(fixed));
    }

    private CopyException notRepresentable(String what) {
        return CopyException.userError("ParquetValueNotRepresentable", "column '" + name + "' holds " + what
                + "; cast the column in the source query (e.g. to text) to copy it", null);
    }
}
