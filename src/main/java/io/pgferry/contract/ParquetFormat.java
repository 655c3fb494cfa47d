package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * A {@code Parquet} dataset: one typed column per source column, pages compressed with the dataset's
 * {@code compressionCodec} (ADF's default is snappy).
 */
public record ParquetFormat(Codec codec) implements SinkFormat {

    /** ADF's codecs (none, gzip, snappy) and, beyond ADF, zstd and lz4 (Parquet's LZ4_RAW). */
    public enum Codec {
        NONE,
        SNAPPY,
        GZIP,
        ZSTD,
        LZ4
    }

    public ParquetFormat {
        requireNonNull(codec, "codec is null");
    }
}
