package io.pgferry.format.avro;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;

import io.pgferry.contract.AvroFormat;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.format.binary.BinaryColumn;
import io.pgferry.format.binary.BinaryOutput;
import io.pgferry.source.postgres.SourceColumn;

/**
 * Avro container files from a binary COPY: one record per row, every field a union of null and the column's Avro
 * type (see {@link #fieldType}), values written from PostgreSQL's binary encoding straight into Avro's encoder by
 * {@link TupleDatumWriter}. Blocks are flushed as they fill, so memory stays bounded.
 */
public final class AvroOutput extends BinaryOutput {
    /** Avro names: letters, digits and underscores, not starting with a digit. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final AvroFormat format;
    private final Schema schema;

    /**
     * @throws CopyException when the columns cannot make an Avro schema (none, a name Avro refuses, a duplicate)
     */
    public AvroOutput(AvroFormat format, List<SourceColumn> sourceColumns) {
        super(checked(sourceColumns));
        this.format = requireNonNull(format, "format is null");
        SchemaBuilder.FieldAssembler<Schema> fields =
                SchemaBuilder.record("pgferry_row").namespace("io.pgferry").fields();
        for (BinaryColumn column : columns()) {
            Schema type = column.list() ? Schema.createArray(nullable(fieldType(column))) : fieldType(column);
            fields = fields.name(column.name()).type(nullable(type)).withDefault(null);
        }
        this.schema = fields.endRecord();
    }

    /** @throws CopyException when the columns cannot make an Avro schema (none, a name Avro refuses, a duplicate) */
    private static List<SourceColumn> checked(List<SourceColumn> sourceColumns) {
        List<String> refused = sourceColumns.stream()
                .map(SourceColumn::name)
                .filter(name -> !NAME.matcher(name).matches())
                .toList();
        if (sourceColumns.isEmpty()
                || !refused.isEmpty()
                || sourceColumns.stream().map(SourceColumn::name).distinct().count() < sourceColumns.size()) {
            throw CopyException.of(
                    ErrorCode.AvroSchemaInvalid,
                    "Avro needs at least one column, each named with"
                            + " letters, digits and underscores (not starting with a digit), no two alike"
                            + (refused.isEmpty() ? "" : "; refused: " + String.join(", ", refused))
                            + "; alias the columns in the query",
                    null);
        }
        return sourceColumns;
    }

    /**
     * PostgreSQL kinds as Avro types: int, long, float, double, boolean, bytes, string; decimal (bytes, with the
     * column's precision and scale), date, time-micros, local-timestamp-micros (timestamp), timestamp-micros
     * (timestamptz, UTC), uuid (string).
     */
    static Schema fieldType(BinaryColumn column) {
        return switch (column.kind()) {
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case INT16, INT32 -> Schema.create(Schema.Type.INT);
            case INT64, OID -> Schema.create(Schema.Type.LONG);
            case FLOAT -> Schema.create(Schema.Type.FLOAT);
            case DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case DECIMAL ->
                LogicalTypes.decimal(column.precision(), column.scale()).addToSchema(Schema.create(Schema.Type.BYTES));
            case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case TIME -> LogicalTypes.timeMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case TIMESTAMP -> LogicalTypes.localTimestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case TIMESTAMPTZ -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
            case UUID -> LogicalTypes.uuid().addToSchema(Schema.create(Schema.Type.STRING));
            case BYTES -> Schema.create(Schema.Type.BYTES);
            case STRING -> Schema.create(Schema.Type.STRING);
        };
    }

    private static Schema nullable(Schema type) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
    }

    @Override
    protected FileEncoder open(OutputStream out) throws IOException {
        DataFileWriter<byte[]> writer = new DataFileWriter<>(new TupleDatumWriter(columns()));
        writer.setCodec(
                switch (format.codec()) {
                    case NONE -> CodecFactory.nullCodec();
                    case DEFLATE -> CodecFactory.deflateCodec(format.level());
                    case SNAPPY -> new SnappyCodec.Factory();
                });
        writer.setMeta("pgferry.writer", "pgferry");
        writer.create(schema, out);
        return new FileEncoder() {
            @Override
            public void row(byte[] row) throws IOException {
                try {
                    writer.append(row);
                } catch (DataFileWriter.AppendWriteException e) {
                    // A value the schema cannot hold is the request's fault, as for every other format.
                    if (e.getCause() instanceof CopyException refused) {
                        throw refused;
                    }
                    throw e;
                }
            }

            @Override
            public void finish() throws IOException {
                // Flushes the last block; the stream stays with its owner.
                writer.flush();
            }
        };
    }

    @Override
    public String contentType() {
        return "application/avro";
    }
}
