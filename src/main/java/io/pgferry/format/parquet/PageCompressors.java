package io.pgferry.format.parquet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import io.airlift.compress.Compressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;

/**
 * Page compression in pure Java: aircompressor's snappy, zstd and LZ4 (raw block) and the JDK's gzip. parquet-java's
 * own factory goes through Hadoop's codec classes and JNI libraries, neither of which pgferry ships. One file writer
 * owns an instance.
 */
final class PageCompressors implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> new BlockCompressor(codec, null);
            case SNAPPY -> new BlockCompressor(codec, new SnappyCompressor());
            case ZSTD -> new BlockCompressor(codec, new ZstdCompressor());
            case LZ4_RAW -> new BlockCompressor(codec, new Lz4Compressor());
            case GZIP -> new GzipCompressor();
            default -> throw new IllegalArgumentException("no compressor for " + codec);
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        throw new UnsupportedOperationException("pgferry writes Parquet; it does not read it");
    }

    @Override
    public void release() {
        // nothing pooled
    }

    /** A codec that compresses a whole page in one call; none for no compression. */
    private record BlockCompressor(CompressionCodecName codec, Compressor compressor) implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput page) throws IOException {
            if (compressor == null) {
                return page;
            }
            byte[] input = page.toByteArray();
            byte[] output = new byte[compressor.maxCompressedLength(input.length)];
            int length = compressor.compress(input, 0, input.length, output, 0, output.length);
            return BytesInput.from(output, 0, length);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return codec;
        }

        @Override
        public void release() {
            // nothing held
        }
    }

    private static final class GzipCompressor implements BytesInputCompressor {
        @Override
        public BytesInput compress(BytesInput page) throws IOException {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream((int) Math.max(64, page.size() / 2));
            try (GZIPOutputStream gzip = new GZIPOutputStream(compressed)) {
                page.writeAllTo(gzip);
            }
            return BytesInput.from(compressed);
        }

        @Override
        public CompressionCodecName getCodecName() {
            return CompressionCodecName.GZIP;
        }

        @Override
        public void release() {
            // nothing held
        }
    }
}
