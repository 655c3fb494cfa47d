package io.pgferry.logging;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Keeps each log record on one line: line breaks and other control characters in a message (an activity or table
 * name, a query, a server's error text that quotes one) are written as escapes ({@code \n}, {@code \u0000}), so no
 * request can forge a log line. Installed on the console and file handlers ({@code quarkus.log.*.filter}).
 */
@LoggingFilter(name = "pgferry-one-line")
public final class OneLineFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            String message = ext.getFormattedMessage();
            if (message != null && message.chars().anyMatch(Character::isISOControl)) {
                ext.setMessage(escape(message), ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
        }
        return true;
    }

    /** {@code text} with every control character escaped, as Java and JSON write them. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> escaped.append("\\n");
                case '\r' -> escaped.append("\\r");
                case '\t' -> escaped.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else {
                        escaped.append(c);
                    }
                }
            }
        }
        return escaped.toString();
    }
}
