package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/** Where and how the rows land in Blob Storage. */
public record BlobSink(Secret connectionString, BlobLocation location, DelimitedTextFormat format,
        FileNaming naming, BlockSettings blocks) {
    public BlobSink {
        requireNonNull(connectionString, "connectionString is null");
        requireNonNull(location, "location is null");
        requireNonNull(format, "format is null");
        requireNonNull(naming, "naming is null");
        requireNonNull(blocks, "blocks is null");
    }
}
