package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * How each output file is compressed: DelimitedText's {@code compressionCodec} and {@code compressionLevel}, or Json's
 * {@code compression} object. {@code Optimal} is zlib level 6, {@code Fastest} level 1.
 */
public record Compression(Codec codec, int level) {
    public static final Compression NONE = new Compression(Codec.NONE, 0);

    public enum Codec {
        NONE("", null),
        GZIP(".gz", "gzip"),
        DEFLATE(".deflate", "deflate");

        private final String fileSuffix;
        private final String contentEncoding;

        Codec(String fileSuffix, String contentEncoding) {
            this.fileSuffix = fileSuffix;
            this.contentEncoding = contentEncoding;
        }

        /** Appended to chunk names, so {@code .csv} becomes {@code .csv.gz}. */
        public String fileSuffix() {
            return fileSuffix;
        }

        /** The blob's {@code Content-Encoding}, or null. */
        public String contentEncoding() {
            return contentEncoding;
        }
    }

    public Compression {
        requireNonNull(codec, "codec is null");
    }
}
