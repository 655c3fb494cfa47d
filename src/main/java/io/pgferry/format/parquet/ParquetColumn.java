package io.pgferry.format.parquet;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

import io.pgferry.format.binary.BinaryCodec;
import io.pgferry.format.binary.BinaryColumn;

/**
 * How one source column becomes a Parquet column: its Parquet type (every column optional, arrays as 3-level LISTs)
 * and how a value in PostgreSQL's binary encoding is written.
 */
record ParquetColumn(BinaryColumn column) {

    ParquetColumn {
        requireNonNull(column, "column is null");
    }

    String name() {
        return column.name();
    }

    int index() {
        return column.index();
    }

    Type type() {
        Types.PrimitiveBuilder<PrimitiveType> builder =
                switch (column.kind()) {
                    case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN);
                    case INT16 -> Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.intType(16, true));
                    case INT32 -> Types.optional(PrimitiveTypeName.INT32);
                    case INT64, OID -> Types.optional(PrimitiveTypeName.INT64);
                    case FLOAT -> Types.optional(PrimitiveTypeName.FLOAT);
                    case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE);
                    case DECIMAL -> decimalType();
                    case DATE -> Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType());
                    case TIME ->
                        Types.optional(PrimitiveTypeName.INT64)
                                .as(LogicalTypeAnnotation.timeType(false, TimeUnit.MICROS));
                    case TIMESTAMP ->
                        Types.optional(PrimitiveTypeName.INT64)
                                .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS));
                    case TIMESTAMPTZ ->
                        Types.optional(PrimitiveTypeName.INT64)
                                .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
                    case UUID ->
                        Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
                                .length(16)
                                .as(LogicalTypeAnnotation.uuidType());
                    case BYTES -> Types.optional(PrimitiveTypeName.BINARY);
                    case STRING -> Types.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType());
                };
        if (!column.list()) {
            return builder.named(column.name());
        }
        return Types.optionalList().element(builder.named("element")).named(column.name());
    }

    private Types.PrimitiveBuilder<PrimitiveType> decimalType() {
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(column.scale(), column.precision());
        if (column.precision() <= 9) {
            return Types.optional(PrimitiveTypeName.INT32).as(decimal);
        }
        if (column.precision() <= 18) {
            return Types.optional(PrimitiveTypeName.INT64).as(decimal);
        }
        return Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
                .length(decimalWidth())
                .as(decimal);
    }

    /** The fewest bytes whose two's complement holds every value of the column's precision. */
    private int decimalWidth() {
        return (BigInteger.TEN.pow(column.precision()).bitLength() + 1 + 7) / 8;
    }

    /** Writes a non-NULL value: PostgreSQL's binary encoding of this column's type, {@code length} bytes at offset. */
    void write(RecordConsumer consumer, byte[] row, int offset, int length) {
        if (!column.list()) {
            writeValue(consumer, row, offset, length);
            return;
        }
        consumer.startGroup();
        // An empty list is a group without its repeated field.
        if (column.elementCount(row, offset) > 0) {
            consumer.startField("list", 0);
            column.forEachElement(row, offset, (bytes, position, elementLength) -> {
                consumer.startGroup();
                if (elementLength >= 0) {
                    consumer.startField("element", 0);
                    writeValue(consumer, bytes, position, elementLength);
                    consumer.endField("element", 0);
                }
                consumer.endGroup();
            });
            consumer.endField("list", 0);
        }
        consumer.endGroup();
    }

    private void writeValue(RecordConsumer consumer, byte[] row, int offset, int length) {
        switch (column.kind()) {
            case BOOLEAN -> consumer.addBoolean(row[offset] != 0);
            case INT16 -> consumer.addInteger(BinaryCodec.int16(row, offset));
            case INT32 -> consumer.addInteger(BinaryCodec.int32(row, offset));
            case INT64 -> consumer.addLong(BinaryCodec.int64(row, offset));
            case OID -> consumer.addLong(BinaryCodec.int32(row, offset) & 0xFFFF_FFFFL);
            case FLOAT -> consumer.addFloat(Float.intBitsToFloat(BinaryCodec.int32(row, offset)));
            case DOUBLE -> consumer.addDouble(Double.longBitsToDouble(BinaryCodec.int64(row, offset)));
            case DECIMAL -> writeDecimal(consumer, row, offset);
            case DATE -> consumer.addInteger(column.epochDays(row, offset));
            case TIME -> consumer.addLong(BinaryCodec.int64(row, offset));
            case TIMESTAMP, TIMESTAMPTZ -> consumer.addLong(column.epochMicros(row, offset));
            case UUID, BYTES, STRING -> consumer.addBinary(Binary.fromReusedByteArray(row, offset, length));
        }
    }

    private void writeDecimal(RecordConsumer consumer, byte[] row, int offset) {
        BinaryCodec.Numeric numeric = column.decimal(row, offset);
        if (column.precision() <= 9) {
            consumer.addInteger((int) numeric.unscaledLong(column.scale()));
        } else if (column.precision() <= 18) {
            consumer.addLong(numeric.unscaledLong(column.scale()));
        } else {
            consumer.addBinary(Binary.fromConstantByteArray(column.decimalBytes(numeric, decimalWidth())));
        }
    }
}
