package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * How output blobs are named and split. With {@code maxRowsPerFile} or {@code maxBytesPerFile}, or without a dataset
 * {@code fileName}, chunks are named as ADF names them: {@code <fileNamePrefix>_<five-digit index><fileExtension>},
 * counted from 00000.
 *
 * @param maxBytesPerFile pgferry's size split: a file ends with the first row that takes it to this size
 */
public record FileNaming(
        String fileNamePrefix, String fileExtension, OptionalLong maxRowsPerFile, OptionalLong maxBytesPerFile) {
    public FileNaming {
        requireNonNull(fileNamePrefix, "fileNamePrefix is null");
        requireNonNull(fileExtension, "fileExtension is null");
        requireNonNull(maxRowsPerFile, "maxRowsPerFile is null");
        requireNonNull(maxBytesPerFile, "maxBytesPerFile is null");
    }

    /** Whether output is split into numbered chunks rather than written to the dataset's one file name. */
    public boolean splits() {
        return maxRowsPerFile.isPresent() || maxBytesPerFile.isPresent();
    }
}
