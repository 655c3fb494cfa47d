package io.pgferry.format.parquet;

import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

import io.pgferry.format.binary.BinaryCodec;

/**
 * Writes binary COPY tuples (a field count, then each field's length, -1 for NULL, and bytes) as Parquet records. Only
 * the {@link ParquetConfiguration} path is used; Hadoop's is refused, so Hadoop never needs to be present.
 */
final class TupleWriteSupport extends WriteSupport<byte[]> {
    private final MessageType schema;
    private final List<ParquetColumn> columns;
    private RecordConsumer consumer;

    private TupleWriteSupport(MessageType schema, List<ParquetColumn> columns) {
        this.schema = schema;
        this.columns = columns;
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, Map.of("writer.model.name", "pgferry"));
    }

    @Override
    public WriteContext init(Configuration configuration) {
        throw new UnsupportedOperationException("pgferry writes Parquet without Hadoop");
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(byte[] tuple) {
        consumer.startMessage();
        int position = 2;
        for (ParquetColumn column : columns) {
            int length = BinaryCodec.int32(tuple, position);
            position += 4;
            if (length >= 0) {
                String name = column.name();
                consumer.startField(name, column.index());
                column.write(consumer, tuple, position, length);
                consumer.endField(name, column.index());
                position += length;
            }
        }
        consumer.endMessage();
    }

    static final class Builder extends ParquetWriter.Builder<byte[], Builder> {
        private final MessageType schema;
        private final List<ParquetColumn> columns;

        Builder(OutputFile file, MessageType schema, List<ParquetColumn> columns) {
            super(file);
            this.schema = schema;
            this.columns = columns;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<byte[]> getWriteSupport(ParquetConfiguration configuration) {
            return new TupleWriteSupport(schema, columns);
        }

        @Override
        protected WriteSupport<byte[]> getWriteSupport(Configuration configuration) {
            throw new UnsupportedOperationException("pgferry writes Parquet without Hadoop");
        }
    }
}
