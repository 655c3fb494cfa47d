package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A dataset's {@code tableName}, kept case-sensitive as ADF documents: {@code MySchema.MyTable} and
 * {@code "MySchema"."MyTable"} both name the mixed-case table, and {@code "my.schema"."t"} splits on the unquoted dot
 * only. Names are never concatenated raw into SQL: {@link #quoted()} double-quotes each part.
 */
public record TableName(Optional<String> schema, String table) {
    public TableName {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
    }

    /**
     * Parses {@code table} or {@code schema.table}; each part either bare or double-quoted with {@code ""} for a
     * quote inside.
     *
     * @throws IllegalArgumentException with a reason fit for the caller when the text is not such a name
     */
    public static TableName parse(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("contains a NUL character, which no PostgreSQL name can hold");
        }
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        boolean partWasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    part.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    part.append(c);
                }
            } else if (c == '"' && part.isEmpty() && !partWasQuoted) {
                quoted = true;
                partWasQuoted = true;
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
                partWasQuoted = false;
            } else if (partWasQuoted || c == '"') {
                throw new IllegalArgumentException("has text next to a quoted name at character " + (i + 1));
            } else {
                part.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("has an unterminated double quote");
        }
        parts.add(part.toString());
        if (parts.size() > 2) {
            throw new IllegalArgumentException("must be table or schema.table, not " + parts.size() + " parts");
        }
        if (parts.stream().anyMatch(p -> p.isBlank())) {
            throw new IllegalArgumentException("has an empty schema or table name");
        }
        return parts.size() == 1
                ? new TableName(Optional.empty(), parts.get(0))
                : new TableName(Optional.of(parts.get(0)), parts.get(1));
    }

    /** {@code "schema"."table"} or {@code "table"}, safe to put in SQL. */
    public String quoted() {
        return schema.map(s -> quote(s) + ".").orElse("") + quote(table);
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
