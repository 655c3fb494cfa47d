package io.pgferry.format.parquet;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

import io.pgferry.contract.CopyException;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.format.binary.BinaryOutput;
import io.pgferry.source.postgres.SourceColumn;

/**
 * Parquet from a binary COPY: each column gets the Parquet type of its PostgreSQL type (see {@link BinaryColumn} and
 * {@link ParquetColumn}),
 * values are decoded from PostgreSQL's binary encoding straight into parquet-java's column writers, and row groups of
 * at most {@value #ROW_GROUP_BYTES} bytes are flushed to the file as they fill, so memory stays bounded whatever the
 * table size.
 */
public final class ParquetOutput extends BinaryOutput {
    static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;
    private static final int PAGE_BYTES = 1024 * 1024;

    private final CompressionCodecName codec;
    private final List<ParquetColumn> parquetColumns;
    private final MessageType schema;

    /**
     * @throws CopyException when the columns cannot make a Parquet schema (none, or two with the same name)
     */
    public ParquetOutput(ParquetFormat format, List<SourceColumn> sourceColumns) {
        super(checked(sourceColumns));
        requireNonNull(format, "format is null");
        this.codec = switch (format.codec()) {
            case NONE -> CompressionCodecName.UNCOMPRESSED;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case GZIP -> CompressionCodecName.GZIP;
            case ZSTD -> CompressionCodecName.ZSTD;
            case LZ4 -> CompressionCodecName.LZ4_RAW;
        };
        this.parquetColumns = columns().stream().map(ParquetColumn::new).toList();
        this.schema = new MessageType("schema", parquetColumns.stream().map(ParquetColumn::type).toList());
    }

    /** @throws CopyException when the columns cannot make a Parquet schema (none, or two with the same name) */
    private static List<SourceColumn> checked(List<SourceColumn> sourceColumns) {
        if (sourceColumns.isEmpty()) {
            throw CopyException.userError("ParquetSchemaInvalid", "the source has no columns; a Parquet file needs one",
                    null);
        }
        Set<String> names = new HashSet<>();
        List<String> duplicates = sourceColumns.stream().map(SourceColumn::name).filter(name -> !names.add(name))
                .distinct().toList();
        if (!duplicates.isEmpty()) {
            throw CopyException.userError("ParquetSchemaInvalid", "the source has more than one column named "
                    + String.join(", ", duplicates) + "; Parquet column names must be unique (alias them in the query)",
                    null);
        }
        return sourceColumns;
    }

    @Override
    protected FileEncoder open(OutputStream out) throws IOException {
        ParquetWriter<byte[]> writer = new TupleWriteSupport.Builder(new StreamOutputFile(out), schema, parquetColumns)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(new PageCompressors())
                .withCompressionCodec(codec)
                .withRowGroupSize(ROW_GROUP_BYTES)
                .withPageSize(PAGE_BYTES)
                .withDictionaryPageSize(PAGE_BYTES)
                .withPageWriteChecksumEnabled(false)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
        return new FileEncoder() {
            @Override
            public void row(byte[] row) throws IOException {
                writer.write(row);
            }

            @Override
            public void finish() throws IOException {
                writer.close();
            }
        };
    }

    @Override
    public String contentType() {
        return "application/vnd.apache.parquet";
    }
}
