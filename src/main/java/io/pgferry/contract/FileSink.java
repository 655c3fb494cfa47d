package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Where and how the rows land: a store (a Blob Storage container or a file-server folder), names, format and
 * compression.
 *
 * @param metadata {@code storeSettings.metadata}, set on every blob
 */
public record FileSink(SinkStore store, FileLocation location, SinkFormat format, Compression compression,
        FileNaming naming, BlockSettings blocks, Map<String, String> metadata) {
    public FileSink {
        requireNonNull(store, "store is null");
        requireNonNull(location, "location is null");
        requireNonNull(format, "format is null");
        requireNonNull(compression, "compression is null");
        requireNonNull(naming, "naming is null");
        requireNonNull(blocks, "blocks is null");
        metadata = Map.copyOf(metadata);
    }
}
