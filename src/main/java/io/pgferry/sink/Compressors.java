package io.pgferry.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

import io.pgferry.contract.Compression;

/** Output streams that compress a chunk as it is written; closing one writes the trailer, not more. */
final class Compressors {
    private static final int BUFFER_SIZE = 64 * 1024;

    private Compressors() {
    }

    /**
     * @param out receives the compressed bytes; it is closed with the returned stream
     * @param fileName the file's name, for an archive's one entry
     */
    static OutputStream wrap(Compression compression, OutputStream out, String fileName) throws IOException {
        return switch (compression.codec()) {
            case NONE -> out;
            case BZIP2 -> new BZip2CompressorOutputStream(out, compression.level() == 1 ? 1 : 9);
            case ZIP_DEFLATE -> {
                ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
                zip.setLevel(compression.level());
                zip.putNextEntry(new ZipEntry(fileName));
                yield zip;
            }
            case GZIP -> new GZIPOutputStream(out, BUFFER_SIZE) {
                {
                    def.setLevel(compression.level());
                }
            };
            // .NET's DeflateStream, which ADF uses, writes raw deflate: no zlib header.
            case DEFLATE -> new DeflaterOutputStream(out, new Deflater(compression.level(), true), BUFFER_SIZE) {
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
