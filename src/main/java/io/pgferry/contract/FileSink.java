package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;

/**
 * Where and how the rows land: a destination (a Blob Storage container or a file-server folder), names, format and
 * compression.
 *
 * @param metadata {@code storeSettings.metadata}, set on every blob
 * @param manifestName the manifest written beside the files once they are all committed (pgferry's
 *        {@code sink.manifest}), or empty when the sink asked for none
 */
public record FileSink(
        Destination destination,
        FileLocation location,
        SinkFormat format,
        Compression compression,
        FileNaming naming,
        BlockSettings blocks,
        Map<String, String> metadata,
        Optional<String> manifestName) {
    /** The manifest's name unless the sink says otherwise: a leading '_' makes Spark, Synapse and Hive skip it. */
    public static final String DEFAULT_MANIFEST = "_manifest.json";

    public FileSink {
        requireNonNull(destination, "destination is null");
        requireNonNull(location, "location is null");
        requireNonNull(format, "format is null");
        requireNonNull(compression, "compression is null");
        requireNonNull(naming, "naming is null");
        requireNonNull(blocks, "blocks is null");
        metadata = Map.copyOf(metadata);
        requireNonNull(manifestName, "manifestName is null");
    }
}
