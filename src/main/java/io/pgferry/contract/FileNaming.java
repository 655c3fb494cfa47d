package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * How output blobs are named and split. With {@code maxRowsPerFile}, or without a dataset {@code fileName}, chunks
 * are named as ADF names them: {@code <fileNamePrefix>_<five-digit index><fileExtension>}, counted from 00000.
 */
public record FileNaming(String fileNamePrefix, String fileExtension, OptionalLong maxRowsPerFile) {
    public FileNaming {
        requireNonNull(fileNamePrefix, "fileNamePrefix is null");
        requireNonNull(fileExtension, "fileExtension is null");
        requireNonNull(maxRowsPerFile, "maxRowsPerFile is null");
    }
}
