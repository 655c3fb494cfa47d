package io.pgferry.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.pgferry.testing.Gen;

/** Escape-string literals for COPY's options: whatever the text, the literal ends where it should and reads back. */
class SqlLiteralTest {

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertThat(SqlLiteral.of("")).isEqualTo("E''");
        assertThat(SqlLiteral.of("it's")).isEqualTo("E'it\\'s'");
        assertThat(SqlLiteral.of("C:\\dir\\")).isEqualTo("E'C:\\\\dir\\\\'");
        assertThat(SqlLiteral.of("\\'")).isEqualTo("E'\\\\\\''");
    }

    @Test
    void anyTextIsOneLiteralThatReadsBackAsItself() {
        Gen<String> texts = Gen.strings().withChars("a'\\\";)\n\t\u00e9E").ofMaxLength(20);
        Random random = new Random(20261204L);
        for (int i = 0; i < 5_000; i++) {
            String text = texts.next(random);

            assertThat(parse(SqlLiteral.of(text))).as("%s", text).isEqualTo(text);
        }
    }

    /**
     * Reads an escape-string literal as PostgreSQL's lexer does for these escapes ({@code \\} and {@code \'}); fails
     * unless the literal's closing quote is its last character.
     */
    private static String parse(String literal) {
        assertThat(literal).startsWith("E'");
        StringBuilder text = new StringBuilder();
        for (int i = 2; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == '\\') {
                text.append(literal.charAt(++i));
            } else if (c == '\'') {
                assertThat(i)
                        .as("the literal ends at its closing quote: %s", literal)
                        .isEqualTo(literal.length() - 1);
                return text.toString();
            } else {
                text.append(c);
            }
        }
        throw new AssertionError("unterminated: " + literal);
    }
}
