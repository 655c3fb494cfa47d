package io.pgferry.source.postgres;

/** Values spliced into SQL that cannot take a bind parameter (COPY's options). */
public final class SqlLiteral {
    private SqlLiteral() {}

    /** An escape-string literal: backslash and quote are escaped, whatever standard_conforming_strings says. */
    public static String of(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
