package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * How each output file is compressed: DelimitedText's {@code compressionCodec} and {@code compressionLevel}, or Json's
 * {@code compression} object. {@code Optimal} is zlib level 6 (bzip2 block size 9), {@code Fastest} level 1 (1).
 */
public record Compression(Codec codec, int level) {
    public static final Compression NONE = new Compression(Codec.NONE, 0);

    public enum Codec {
        NONE("", null, null),
        GZIP(".gz", "gzip", null),
        DEFLATE(".deflate", "deflate", null),
        BZIP2(".bz2", null, "application/x-bzip2"),
        /** A zip archive holding the one file, named as the chunk without {@code .zip}. */
        ZIP_DEFLATE(".zip", null, "application/zip"),
        /** A tar archive holding the one file, named as the chunk without {@code .tar}. */
        TAR(".tar", null, "application/x-tar"),
        /** A gzipped tar archive holding the one file, named as the chunk without {@code .tar.gz}. */
        TAR_GZIP(".tar.gz", null, "application/gzip");

        private final String fileSuffix;
        private final String contentEncoding;
        private final String contentType;

        Codec(String fileSuffix, String contentEncoding, String contentType) {
            this.fileSuffix = fileSuffix;
            this.contentEncoding = contentEncoding;
            this.contentType = contentType;
        }

        /**
         * The blob's {@code Content-Type} when the codec makes the file something else than the format's (an archive),
         * or null.
         */
        public String contentType() {
            return contentType;
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
