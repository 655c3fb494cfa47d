package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * The {@code DelimitedText} dataset settings, with ADF's write defaults applied: {@code ,} between columns,
 * {@code \r\n} after rows, {@code "} quotes, {@code \} escapes, no header and NULL written as the empty string.
 */
public record DelimitedTextFormat(char columnDelimiter, String rowDelimiter, char quoteChar, char escapeChar,
        boolean firstRowAsHeader, String nullValue) implements SinkFormat {
    public DelimitedTextFormat {
        requireNonNull(rowDelimiter, "rowDelimiter is null");
        requireNonNull(nullValue, "nullValue is null");
    }
}
