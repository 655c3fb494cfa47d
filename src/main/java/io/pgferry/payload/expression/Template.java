package io.pgferry.payload.expression;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.pgferry.payload.expression.Expressions.ExpressionException;
import io.pgferry.payload.expression.Expressions.Scope;

/**
 * A JSON string value as ADF reads it, parsed once: {@code @@...} is literal text without one {@code @};
 * {@code @expr} is the expression's value (any JSON type); text with {@code @{expr}} inside is a string.
 */
public sealed interface Template {
    /** Text with no expression, or an {@code @@} escape. */
    record Text(String text) implements Template {}

    /** {@code @expr}: the value itself, of any JSON type. */
    record Whole(Expression expression) implements Template {}

    /** Text with {@code @{expr}} parts, each rendered as text. */
    record Interpolated(List<Object> parts) implements Template {
        public Interpolated {
            parts = List.copyOf(parts);
        }
    }

    /**
     * Parses in one pass over the text: each {@code @{...}} ends at the first '}' outside a string literal.
     *
     * @throws ExpressionException when an expression in it cannot be parsed
     */
    static Template parse(String text) {
        if (text.startsWith("@@")) {
            return new Text(text.substring(1));
        }
        if (text.startsWith("@") && !text.startsWith("@{")) {
            return new Whole(ExpressionParser.parse(text.substring(1)));
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("@{", i);
            if (start < 0) {
                parts.add(text.substring(i));
                break;
            }
            int end = closingBrace(text, start + 2);
            if (end < 0) {
                throw new ExpressionException("has an unclosed @{");
            }
            if (start > i) {
                parts.add(text.substring(i, start));
            }
            parts.add(ExpressionParser.parse(text.substring(start + 2, end)));
            i = end + 1;
        }
        return parts.stream().allMatch(String.class::isInstance)
                ? new Text(
                        String.join("", parts.stream().map(String.class::cast).toList()))
                : new Interpolated(parts);
    }

    /** @throws ExpressionException when it cannot be evaluated in this scope */
    default JsonNode evaluate(Scope scope) {
        if (this instanceof Text text) {
            return TextNode.valueOf(text.text());
        }
        if (this instanceof Whole whole) {
            return Evaluator.evaluate(whole.expression(), scope);
        }
        StringBuilder out = new StringBuilder();
        for (Object part : ((Interpolated) this).parts()) {
            out.append(
                    part instanceof Expression expression
                            ? Expressions.asText(Evaluator.evaluate(expression, scope))
                            : (String) part);
        }
        return TextNode.valueOf(out.toString());
    }

    /** The index of the first '}' at or after {@code from} that is not inside a string literal, or -1. */
    private static int closingBrace(String text, int from) {
        boolean inString = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'') {
                inString = !inString;
            } else if (c == '}' && !inString) {
                return i;
            }
        }
        return -1;
    }
}
