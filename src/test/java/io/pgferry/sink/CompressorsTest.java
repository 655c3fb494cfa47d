package io.pgferry.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;

import io.pgferry.contract.Compression;
import io.pgferry.contract.Compression.Codec;

/**
 * Each codec's stream over a chunk, read back by the JDK's or commons-compress's own reader: the compressed file is
 * complete when the stream closes, and closing it does not finish the chunk.
 */
class CompressorsTest {
    private static final byte[] TEXT = "id,name\n1,é\n2,\"a,b\"\n".repeat(2_000).getBytes(StandardCharsets.UTF_8);

    private final MemorySink sink = new MemorySink();

    @Test
    void noneWritesTheBytesAsTheyAre() throws Exception {
        assertThat(compressed(new Compression(Codec.NONE, 0))).isEqualTo(TEXT);
    }

    @Test
    void gzipIsAGzipFileOfTheBytes() throws Exception {
        byte[] file = compressed(new Compression(Codec.GZIP, 1));

        assertThat(new GZIPInputStream(new ByteArrayInputStream(file)).readAllBytes())
                .isEqualTo(TEXT);
        assertThat(file.length).isLessThan(TEXT.length / 10);
    }

    @Test
    void deflateIsRawDeflateWithoutAZlibHeaderAsDotNetWritesIt() throws Exception {
        byte[] file = compressed(new Compression(Codec.DEFLATE, 6));

        assertThat(new InflaterInputStream(new ByteArrayInputStream(file), new Inflater(true)).readAllBytes())
                .isEqualTo(TEXT);
        Inflater zlib = new Inflater(false);
        zlib.setInput(file);
        assertThatThrownBy(() -> zlib.inflate(new byte[16]))
                .as("no zlib header")
                .isInstanceOf(DataFormatException.class);
    }

    @Test
    void bzip2UsesBlockSizeOneForFastestAndNineOtherwise() throws Exception {
        byte[] fastest = compressed(new Compression(Codec.BZIP2, 1));
        byte[] optimal = compressed(new Compression(Codec.BZIP2, 6));

        assertThat(new String(fastest, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("BZh1");
        assertThat(new String(optimal, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("BZh9");
        assertThat(new BZip2CompressorInputStream(new ByteArrayInputStream(fastest)).readAllBytes())
                .isEqualTo(TEXT);
        assertThat(new BZip2CompressorInputStream(new ByteArrayInputStream(optimal)).readAllBytes())
                .isEqualTo(TEXT);
    }

    @Test
    void zipHoldsOneEntryNamedAsTheFile() throws Exception {
        byte[] file = compressed(new Compression(Codec.ZIP_DEFLATE, 9), "données_00000.csv");

        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(file), StandardCharsets.UTF_8)) {
            ZipEntry entry = zip.getNextEntry();
            assertThat(entry.getName()).isEqualTo("données_00000.csv");
            assertThat(entry.getMethod()).isEqualTo(ZipEntry.DEFLATED);
            assertThat(zip.readAllBytes()).isEqualTo(TEXT);
            assertThat(zip.getNextEntry()).isNull();
        }
    }

    @Test
    void closingTheStreamLeavesTheChunkToItsOwner() throws Exception {
        Chunk chunk = sink.create("f.gz", null, "gzip");
        OutputStream out = Compressors.wrap(new Compression(Codec.GZIP, 6), chunk, "f");
        out.write(TEXT);
        out.close();

        assertThat(chunk.bytes()).isPositive();
        // MemoryChunk refuses a commit before finish: close did not finish it.
        assertThatThrownBy(chunk::commit).hasMessageContaining("before finish");
    }

    @Test
    void everyCodecsSuffixContentTypeAndEncodingAreAsStoresExpect() {
        assertThat(Codec.values())
                .extracting(Codec::fileSuffix, Codec::contentType, Codec::contentEncoding)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("", null, null),
                        org.assertj.core.groups.Tuple.tuple(".gz", null, "gzip"),
                        org.assertj.core.groups.Tuple.tuple(".deflate", null, "deflate"),
                        org.assertj.core.groups.Tuple.tuple(".bz2", "application/x-bzip2", null),
                        org.assertj.core.groups.Tuple.tuple(".zip", "application/zip", null),
                        org.assertj.core.groups.Tuple.tuple(".tar", "application/x-tar", null),
                        org.assertj.core.groups.Tuple.tuple(".tar.gz", "application/gzip", null));
    }

    private byte[] compressed(Compression compression) throws IOException {
        return compressed(compression, "data_00000.csv");
    }

    private byte[] compressed(Compression compression, String fileName) throws IOException {
        String name = fileName + compression.codec().fileSuffix();
        Chunk chunk = sink.create(name, "text/csv", compression.codec().contentEncoding());
        try (OutputStream out = Compressors.wrap(compression, chunk, fileName)) {
            // Single bytes and slices, as encoders write them.
            out.write(TEXT[0]);
            out.write(TEXT, 1, TEXT.length - 1);
        }
        chunk.finish();
        chunk.commit();
        return sink.files().get(name);
    }
}
