package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** The dataset's {@code location}: a container, an optional folder path (no leading or trailing slash) and file name. */
public record BlobLocation(String container, String folderPath, Optional<String> fileName) {
    public BlobLocation {
        requireNonNull(container, "container is null");
        requireNonNull(folderPath, "folderPath is null");
        requireNonNull(fileName, "fileName is null");
    }
}
