package io.pgferry.payload;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Function;

/**
 * Checks of sink values that need the sink's own knowledge or the function's configuration. Each answers why a value
 * cannot be used (without quoting it) or empty when it can; none contacts a store.
 *
 * @param blobConnectionString checks an Azure Storage connection string
 * @param fileServerRoot checks a {@code FileServer} linked service's {@code host} folder
 */
public record SinkChecks(
        Function<String, Optional<String>> blobConnectionString, Function<String, Optional<String>> fileServerRoot) {
    public SinkChecks {
        requireNonNull(blobConnectionString, "blobConnectionString is null");
        requireNonNull(fileServerRoot, "fileServerRoot is null");
    }
}
