package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * An {@code Avro} dataset: a container file of one record per row, blocks compressed with
 * {@code avroCompressionCodec} (none, ADF's default; deflate at {@code avroCompressionLevel}; snappy).
 */
public record AvroFormat(Codec codec, int level) implements SinkFormat {

    public enum Codec {
        NONE,
        DEFLATE,
        SNAPPY
    }

    public AvroFormat {
        requireNonNull(codec, "codec is null");
    }
}
