package io.pgferry.payload;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * ODBC-style {@code Key=Value;} pairs as the legacy ADF PostgreSQL linked service writes them: keys are
 * case-insensitive and trimmed, a value in braces ({@code {a;b}}) may hold {@code ;} and writes {@code }} as
 * {@code }}}. Errors name the key or position, never a value.
 */
final class OdbcConnectionString {
    private OdbcConnectionString() {}

    /**
     * @return lower-cased key to value, in order of appearance
     * @throws IllegalArgumentException with a reason that quotes no value
     */
    static Map<String, String> parse(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            int semi = text.indexOf(';', i);
            if (semi == i || text.substring(i, semi < 0 ? text.length() : semi).isBlank()) {
                i = semi < 0 ? text.length() : semi + 1;
                continue;
            }
            if (eq < 0 || (semi >= 0 && semi < eq)) {
                throw new IllegalArgumentException("has a part without '=' at character " + (i + 1));
            }
            String key = text.substring(i, eq).trim();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("has an empty key at character " + (i + 1));
            }
            int v = eq + 1;
            while (v < text.length() && text.charAt(v) == ' ') {
                v++;
            }
            String value;
            if (v < text.length() && text.charAt(v) == '{') {
                StringBuilder braced = new StringBuilder();
                int j = v + 1;
                boolean closed = false;
                while (j < text.length()) {
                    char c = text.charAt(j);
                    if (c == '}' && j + 1 < text.length() && text.charAt(j + 1) == '}') {
                        braced.append('}');
                        j += 2;
                    } else if (c == '}') {
                        closed = true;
                        j++;
                        break;
                    } else {
                        braced.append(c);
                        j++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("has an unterminated '{' in the value of key '" + key + "'");
                }
                int end = text.indexOf(';', j);
                if (!text.substring(j, end < 0 ? text.length() : end).isBlank()) {
                    throw new IllegalArgumentException("has text after the closing '}' of key '" + key + "'");
                }
                value = braced.toString();
                i = end < 0 ? text.length() : end + 1;
            } else {
                int end = semi < 0 ? text.length() : semi;
                value = text.substring(eq + 1, end).trim();
                i = end < text.length() ? end + 1 : end;
            }
            if (pairs.put(key.toLowerCase(Locale.ROOT), value) != null) {
                throw new IllegalArgumentException("sets key '" + key + "' twice");
            }
        }
        return pairs;
    }
}
