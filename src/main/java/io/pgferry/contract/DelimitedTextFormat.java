package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * The {@code DelimitedText} dataset settings, with ADF's write defaults applied: {@code ,} between columns,
 * {@code \r\n} after rows, {@code "} quotes, {@code \} escapes, no header, NULL written as the empty string, values
 * quoted only when they must be ({@code quoteAllText} false), UTF-8.
 *
 * @param encoding PostgreSQL's name of the file's encoding ({@code UTF8}, {@code WIN1252}, ...), or
 *        {@link #UTF16_LE} / {@link #UTF16_BE}
 */
public record DelimitedTextFormat(
        char columnDelimiter,
        String rowDelimiter,
        char quoteChar,
        char escapeChar,
        boolean firstRowAsHeader,
        String nullValue,
        boolean quoteAllText,
        String encoding)
        implements SinkFormat {
    /** UTF-16 little-endian ({@code UTF-16}) and big-endian, which pgferry encodes itself: PostgreSQL cannot. */
    public static final String UTF16_LE = "UTF-16LE";

    public static final String UTF16_BE = "UTF-16BE";

    public DelimitedTextFormat {
        requireNonNull(rowDelimiter, "rowDelimiter is null");
        requireNonNull(nullValue, "nullValue is null");
        requireNonNull(encoding, "encoding is null");
    }
}
