package io.pgferry.payload.expression;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

import io.pgferry.payload.expression.Expressions.ExpressionException;

/**
 * Recursive descent over one expression, in one pass (linear in the text) and at most {@link #MAX_DEPTH} levels deep
 * (calls, member access, indexes), so no payload can make it slow or exhaust the stack.
 */
final class ExpressionParser {
    /** How deeply expressions may nest: ADF's own payloads use a few. */
    static final int MAX_DEPTH = 32;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String text;
    private int at;
    private int depth;

    private ExpressionParser(String text) {
        this.text = text;
    }

    /** @throws ExpressionException when the text is not one whole expression */
    static Expression parse(String text) {
        ExpressionParser parser = new ExpressionParser(text);
        Expression expression = parser.expression();
        parser.skipSpaces();
        if (parser.at != text.length()) {
            throw new ExpressionException("has unexpected text at character " + (parser.at + 1));
        }
        return expression;
    }

    private Expression expression() {
        if (++depth > MAX_DEPTH) {
            throw new ExpressionException("nests deeper than " + MAX_DEPTH + " levels");
        }
        skipSpaces();
        Expression value = primary();
        while (true) {
            skipSpaces();
            if (peek("?.")) {
                at += 2;
                value = new Expression.Member(value, identifier(), true);
            } else if (peek(".")) {
                at++;
                value = new Expression.Member(value, identifier(), false);
            } else if (peek("[")) {
                at++;
                Expression key = expression();
                expect("]");
                value = new Expression.Index(value, key);
            } else {
                depth--;
                return value;
            }
        }
    }

    private Expression primary() {
        skipSpaces();
        if (peek("'")) {
            return new Expression.Literal(TextNode.valueOf(stringLiteral()));
        }
        if (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) {
            int start = at++;
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                at++;
            }
            String number = text.substring(start, at);
            return new Expression.Literal(
                    number.contains(".")
                            ? JSON.numberNode(Double.parseDouble(number))
                            : JSON.numberNode(Long.parseLong(number)));
        }
        String name = identifier();
        expect("(");
        List<Expression> arguments = new ArrayList<>();
        skipSpaces();
        if (!peek(")")) {
            do {
                arguments.add(expression());
                skipSpaces();
            } while (consume(","));
        }
        expect(")");
        return new Expression.Call(name, arguments);
    }

    private String stringLiteral() {
        StringBuilder value = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '\'') {
                if (peek("'")) {
                    value.append('\'');
                    at++;
                } else {
                    return value.toString();
                }
            } else {
                value.append(c);
            }
        }
        throw new ExpressionException("has an unterminated string");
    }

    private String identifier() {
        skipSpaces();
        int start = at;
        while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
            at++;
        }
        if (start == at) {
            throw new ExpressionException("has unexpected text at character " + (at + 1));
        }
        return text.substring(start, at);
    }

    private void skipSpaces() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private boolean peek(String token) {
        return text.startsWith(token, at);
    }

    private boolean consume(String token) {
        skipSpaces();
        if (peek(token)) {
            at += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!consume(token)) {
            throw new ExpressionException("expects '" + token + "' at character " + (at + 1));
        }
    }
}
