package io.pgferry.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

import io.pgferry.contract.Compression;

/** Output streams that compress a chunk as it is written; closing one writes the trailer, not more. */
final class Compressors {
    private static final int BUFFER_SIZE = 64 * 1024;

    private Compressors() {}

    /**
     * @param chunk receives the compressed bytes; closing the returned stream ends the compressed file, not the chunk
     * @param fileName the file's name, for an archive's one entry
     */
    static OutputStream wrap(Compression compression, Chunk chunk, String fileName) throws IOException {
        OutputStream out = new ChunkOutputStream(chunk);
        return switch (compression.codec()) {
            case TAR -> new TarArchive(chunk, fileName, -1);
            case TAR_GZIP -> new TarArchive(chunk, fileName, compression.level());
            case NONE -> out;
            case BZIP2 -> new BZip2CompressorOutputStream(out, compression.level() == 1 ? 1 : 9);
            case ZIP_DEFLATE -> {
                ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
                zip.setLevel(compression.level());
                zip.putNextEntry(new ZipEntry(fileName));
                yield zip;
            }
            case GZIP ->
                new GZIPOutputStream(out, BUFFER_SIZE) {
                    {
                        def.setLevel(compression.level());
                    }
                };
            // .NET's DeflateStream, which ADF uses, writes raw deflate: no zlib header.
            case DEFLATE ->
                new DeflaterOutputStream(out, new Deflater(compression.level(), true), BUFFER_SIZE) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            def.end();
                        }
                    }
                };
        };
    }
}
