package io.pgferry.format;

/**
 * What a format puts around the rows of each output file: a header before the first row (a CSV header line, a JSON
 * array's {@code [}), a separator between rows and a footer after the last.
 */
public record ChunkFraming(byte[] header, byte[] separator, byte[] footer) {
    private static final byte[] NONE = new byte[0];

    public ChunkFraming {
        header = header.clone();
        separator = separator.clone();
        footer = footer.clone();
    }

    /** Only a header (possibly empty) before the rows. */
    public static ChunkFraming header(byte[] header) {
        return new ChunkFraming(header, NONE, NONE);
    }

    @Override
    public byte[] header() {
        return header.clone();
    }

    @Override
    public byte[] separator() {
        return separator.clone();
    }

    @Override
    public byte[] footer() {
        return footer.clone();
    }
}
