package io.pgferry.format.avro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import org.apache.avro.file.Codec;
import org.apache.avro.file.CodecFactory;

import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;

/**
 * Avro's {@code snappy} codec in pure Java (aircompressor): each block is the raw snappy compression of its data
 * followed by the big-endian CRC32 of the uncompressed bytes. Avro's own codec needs snappy-java's JNI library.
 */
final class SnappyCodec extends Codec {
    private final SnappyCompressor compressor = new SnappyCompressor();

    static final class Factory extends CodecFactory {
        @Override
        protected Codec createInstance() {
            return new SnappyCodec();
        }
    }

    @Override
    public String getName() {
        return "snappy";
    }

    @Override
    public ByteBuffer compress(ByteBuffer uncompressed) throws IOException {
        byte[] input = new byte[uncompressed.remaining()];
        uncompressed.duplicate().get(input);
        byte[] output = new byte[compressor.maxCompressedLength(input.length) + 4];
        int length = compressor.compress(input, 0, input.length, output, 0, output.length - 4);
        CRC32 crc = new CRC32();
        crc.update(input);
        ByteBuffer block = ByteBuffer.wrap(output, 0, length + 4);
        block.putInt(length, (int) crc.getValue());
        return block;
    }

    @Override
    public ByteBuffer decompress(ByteBuffer compressed) throws IOException {
        byte[] input = new byte[compressed.remaining() - 4];
        compressed.duplicate().get(input);
        SnappyDecompressor decompressor = new SnappyDecompressor();
        byte[] output = new byte[SnappyDecompressor.getUncompressedLength(input, 0)];
        decompressor.decompress(input, 0, input.length, output, 0, output.length);
        return ByteBuffer.wrap(output);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SnappyCodec;
    }

    @Override
    public int hashCode() {
        return getName().hashCode();
    }
}
