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

import io.pgferry.contract.ParquetFormat;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.format.binary.BinaryOutput;
import io.pgferry.source.postgres.SourceColumn;

/**
 * Parquet from a binary COPY: each column gets the Parquet type of its PostgreSQL type (see {@link BinaryColumn} and
 * {@link ParquetColumn}),
 * values are decoded from PostgreSQL's binary encoding straight into parquet-java's column writers, and row groups
 * are flushed to the file as they fill, so memory stays bounded whatever the table size. A row group is buffered
 * whole: {@value #ROW_GROUP_BYTES} bytes at most, less when a slice may buffer less (never under
 * {@value #MIN_ROW_GROUP_BYTES}); pages ({@value #PAGE_BYTES} bytes at most) and dictionaries
 * ({@value #DICTIONARY_BYTES} bytes at most) shrink likewise.
 */
public final class ParquetOutput extends BinaryOutput {
    static final long ROW_GROUP_BYTES = 32L * 1024 * 1024;
    static final long MIN_ROW_GROUP_BYTES = 4L * 1024 * 1024;
    /**
     * A quarter of parquet-java's 1 MiB. A page is copied whole two or three times on its way to the file (its bytes,
     * the compressor's output, the column chunk's buffer); at 1 MiB each copy is a humongous object for G1, whose
     * regions are 1 MiB in any heap under 2 GiB: they cost a 2M-row copy under G1 with a 128 MiB heap about 0.4 s of
     * its 4.4 s of CPU (bench/RESULTS.md). Readers lose nothing: a page is the unit of their page index, and finer
     * pages prune better.
     */
    private static final int PAGE_BYTES = 256 * 1024;

    private static final int MIN_PAGE_BYTES = 64 * 1024;
    /**
     * The most a column's dictionary holds in a row group before the column falls back to plain encoding: a quarter
     * of parquet-java's 1 MiB. A column of mostly distinct values (names, hashes, keys) fills its dictionary, then
     * abandons it and re-encodes the values, in every row group; with 1 MiB that cost a fifth of the JVM's CPU on the
     * bench table, for a larger file (bench/RESULTS.md). A column with fewer distinct values still gets its dictionary.
     */
    private static final int DICTIONARY_BYTES = 256 * 1024;

    private final CompressionCodecName codec;
    private final List<ParquetColumn> parquetColumns;
    private final MessageType schema;
    private final long rowGroupBytes;
    private final int pageBytes;

    /**
     * @param sliceBytes what each slice may buffer: a row group is held whole until it is written
     * @throws CopyException when the columns cannot make a Parquet schema (none, or two with the same name)
     */
    public ParquetOutput(ParquetFormat format, List<SourceColumn> sourceColumns, long sliceBytes) {
        super(checked(sourceColumns));
        this.rowGroupBytes = Math.max(MIN_ROW_GROUP_BYTES, Math.min(ROW_GROUP_BYTES, sliceBytes));
        // Besides the row group, each column holds a page and a dictionary being built.
        this.pageBytes = (int) Math.max(MIN_PAGE_BYTES, Math.min(PAGE_BYTES, sliceBytes / (2L * sourceColumns.size())));
        requireNonNull(format, "format is null");
        this.codec = switch (format.codec()) {
            case NONE -> CompressionCodecName.UNCOMPRESSED;
            case SNAPPY -> CompressionCodecName.SNAPPY;
            case GZIP -> CompressionCodecName.GZIP;
            case ZSTD -> CompressionCodecName.ZSTD;
            case LZ4 -> CompressionCodecName.LZ4_RAW;
        };
        this.parquetColumns = columns().stream().map(ParquetColumn::new).toList();
        this.schema = new MessageType(
                "schema", parquetColumns.stream().map(ParquetColumn::type).toList());
    }

    /** @throws CopyException when the columns cannot make a Parquet schema (none, or two with the same name) */
    private static List<SourceColumn> checked(List<SourceColumn> sourceColumns) {
        if (sourceColumns.isEmpty()) {
            throw CopyException.of(
                    ErrorCode.ParquetSchemaInvalid, "the source has no columns; a Parquet file needs one", null);
        }
        Set<String> names = new HashSet<>();
        List<String> duplicates = sourceColumns.stream()
                .map(SourceColumn::name)
                .filter(name -> !names.add(name))
                .distinct()
                .toList();
        if (!duplicates.isEmpty()) {
            throw CopyException.of(
                    ErrorCode.ParquetSchemaInvalid,
                    "the source has more than one column named " + String.join(", ", duplicates)
                            + "; Parquet column names must be unique (alias them in the query)",
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
                .withRowGroupSize(rowGroupBytes)
                .withPageSize(pageBytes)
                .withDictionaryPageSize(Math.min(DICTIONARY_BYTES, pageBytes))
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
