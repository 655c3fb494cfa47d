package io.pgferry.format.avro;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.Encoder;

import io.pgferry.format.binary.BinaryCodec;
import io.pgferry.format.binary.BinaryColumn;

/**
 * Writes binary COPY tuples as Avro records: each field its union branch (0 for NULL, 1 for a value) and the value in
 * Avro's binary encoding, without building a record object.
 */
final class TupleDatumWriter implements DatumWriter<byte[]> {
    private final List<BinaryColumn> columns;

    TupleDatumWriter(List<BinaryColumn> columns) {
        this.columns = columns;
    }

    @Override
    public void setSchema(Schema schema) {
        // the schema was built from the same columns
    }

    @Override
    public void write(byte[] tuple, Encoder out) throws IOException {
        int position = 2;
        for (BinaryColumn column : columns) {
            int length = BinaryCodec.int32(tuple, position);
            position += 4;
            if (length < 0) {
                out.writeIndex(0);
                continue;
            }
            out.writeIndex(1);
            if (column.list()) {
                writeArray(column, tuple, position, out);
            } else {
                writeValue(column, tuple, position, length, out);
            }
            position += length;
        }
    }

    private static void writeArray(BinaryColumn column, byte[] tuple, int offset, Encoder out) throws IOException {
        out.writeArrayStart();
        out.setItemCount(column.elementCount(tuple, offset));
        IOException[] failure = {null};
        column.forEachElement(tuple, offset, (row, position, length) -> {
            try {
                out.startItem();
                if (length < 0) {
                    out.writeIndex(0);
                } else {
                    out.writeIndex(1);
                    writeValue(column, row, position, length, out);
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        out.writeArrayEnd();
    }

    private static void writeValue(BinaryColumn column, byte[] row, int offset, int length, Encoder out)
            throws IOException {
        switch (column.kind()) {
            case BOOLEAN -> out.writeBoolean(row[offset] != 0);
            case INT16 -> out.writeInt(BinaryCodec.int16(row, offset));
            case INT32 -> out.writeInt(BinaryCodec.int32(row, offset));
            case INT64 -> out.writeLong(BinaryCodec.int64(row, offset));
            case OID -> out.writeLong(BinaryCodec.int32(row, offset) & 0xFFFF_FFFFL);
            case FLOAT -> out.writeFloat(Float.intBitsToFloat(BinaryCodec.int32(row, offset)));
            case DOUBLE -> out.writeDouble(Double.longBitsToDouble(BinaryCodec.int64(row, offset)));
            case DECIMAL -> out.writeBytes(column.decimalBytes(column.decimal(row, offset), 0));
            case DATE -> out.writeInt(column.epochDays(row, offset));
            case TIME -> out.writeLong(BinaryCodec.int64(row, offset));
            case TIMESTAMP, TIMESTAMPTZ -> out.writeLong(column.epochMicros(row, offset));
            case UUID ->
                out.writeString(
                        new UUID(BinaryCodec.int64(row, offset), BinaryCodec.int64(row, offset + 8)).toString());
            // Avro strings and bytes share one encoding (a length, then the bytes): PostgreSQL's UTF-8 goes as it is.
            case BYTES, STRING -> out.writeBytes(row, offset, length);
        }
    }
}
