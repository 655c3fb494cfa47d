package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The dataset's {@code location} below its store: an optional folder path (no leading or trailing slash, no
 * {@code ..}) and file name, and where the request gave the folder path, for errors found while writing.
 */
public record FileLocation(String folderPath, Optional<String> fileName, String folderPathPointer) {
    public FileLocation {
        requireNonNull(folderPath, "folderPath is null");
        requireNonNull(fileName, "fileName is null");
        requireNonNull(folderPathPointer, "folderPathPointer is null");
    }
}
