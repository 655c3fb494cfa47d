package io.pgferry.payload.expression;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The part of ADF's expression language that copy payloads use: {@code @pipeline().parameters.x},
 * {@code @dataset().x}, {@code @linkedService().x}, {@code @pipeline().RunId}, {@code @trigger().startTime},
 * {@code @{...}} interpolation, {@code @@} escapes, and the functions {@code concat}, {@code formatDateTime},
 * {@code utcnow}, {@code addDays}, {@code addHours}, {@code toLower}, {@code toUpper}, {@code string} and
 * {@code coalesce}. Anything else is refused with a reason, never passed on as text.
 */
public final class Expressions {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<String> FUNCTIONS = List.of(
            "concat",
            "formatDateTime",
            "utcnow",
            "addDays",
            "addHours",
            "toLower",
            "toUpper",
            "string",
            "coalesce",
            "pipeline",
            "dataset",
            "linkedService",
            "trigger");

    private Expressions() {}

    /** What expressions can see. */
    public record Scope(
            ObjectNode pipeline, ObjectNode dataset, ObjectNode linkedService, ObjectNode trigger, Instant now) {
        public Scope withDataset(ObjectNode parameters) {
            return new Scope(pipeline, parameters, linkedService, trigger, now);
        }

        public Scope withLinkedService(ObjectNode parameters) {
            return new Scope(pipeline, dataset, parameters, trigger, now);
        }
    }

    /** How deeply expressions may nest (function calls, member access, indexes): ADF's own payloads use a few. */
    static final int MAX_DEPTH = 32;

    /** Why an expression cannot be evaluated; the message quotes the expression's names, not values. */
    public static final class ExpressionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ExpressionException(String reason) {
            super(reason, null, false, false);
        }
    }

    public static boolean isExpression(String text) {
        return text.startsWith("@") || text.contains("@{");
    }

    /**
     * A JSON string value: {@code @@...} is the literal text without one {@code @}; {@code @expr} is the expression's
     * value (any JSON type); text with {@code @{expr}} inside is a string.
     */
    public static JsonNode evaluate(String text, Scope scope) {
        try {
            return interpolate(text, scope);
        } catch (ArithmeticException | DateTimeException | NumberFormatException e) {
            throw new ExpressionException("computes a number or date out of range");
        }
    }

    /** One pass over the text: each {@code @{...}} ends at the first '}' outside a string literal. */
    private static JsonNode interpolate(String text, Scope scope) {
        if (text.startsWith("@@")) {
            return TextNode.valueOf(text.substring(1));
        }
        if (text.startsWith("@") && !text.startsWith("@{")) {
            return new Parser(text.substring(1), scope).whole();
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("@{", i);
            if (start < 0) {
                out.append(text, i, text.length());
                break;
            }
            int end = closingBrace(text, start + 2);
            if (end < 0) {
                throw new ExpressionException("has an unclosed @{");
            }
            out.append(text, i, start).append(asText(new Parser(text.substring(start + 2, end), scope).whole()));
            i = end + 1;
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

    public static String asText(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }

    /** Recursive descent over one expression. */
    private static final class Parser {
        private final String text;
        private final Scope scope;
        private int at;
        private int depth;

        Parser(String text, Scope scope) {
            this.text = text;
            this.scope = scope;
        }

        JsonNode whole() {
            JsonNode value = expression();
            skipSpaces();
            if (at != text.length()) {
                throw new ExpressionException("has unexpected text at character " + (at + 1));
            }
            return value;
        }

        private JsonNode expression() {
            if (++depth > MAX_DEPTH) {
                throw new ExpressionException("nests deeper than " + MAX_DEPTH + " levels");
            }
            skipSpaces();
            JsonNode value = primary();
            while (true) {
                skipSpaces();
                if (peek("?.")) {
                    at += 2;
                    value = value.path(identifier());
                } else if (peek(".")) {
                    at++;
                    String name = identifier();
                    if (!value.has(name)) {
                        throw new ExpressionException("refers to '" + name + "', which is not given");
                    }
                    value = value.get(name);
                } else if (peek("[")) {
                    at++;
                    String name = asText(expression());
                    expect("]");
                    value = value.path(name);
                } else {
                    depth--;
                    return value;
                }
            }
        }

        private JsonNode primary() {
            skipSpaces();
            if (peek("'")) {
                return TextNode.valueOf(stringLiteral());
            }
            if (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '-')) {
                int start = at++;
                while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) {
                    at++;
                }
                String number = text.substring(start, at);
                return number.contains(".")
                        ? JSON.numberNode(Double.parseDouble(number))
                        : JSON.numberNode(Long.parseLong(number));
            }
            String name = identifier();
            expect("(");
            List<JsonNode> arguments = new ArrayList<>();
            skipSpaces();
            if (!peek(")")) {
                do {
                    arguments.add(expression());
                    skipSpaces();
                } while (consume(","));
            }
            expect(")");
            return call(name, arguments);
        }

        private JsonNode call(String name, List<JsonNode> arguments) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "pipeline":
                    return scope.pipeline();
                case "dataset":
                    return scope.dataset();
                case "linkedservice":
                    return scope.linkedService();
                case "trigger":
                    return scope.trigger();
                case "concat": {
                    StringBuilder joined = new StringBuilder();
                    arguments.forEach(argument -> joined.append(asText(argument)));
                    return TextNode.valueOf(joined.toString());
                }
                case "utcnow":
                    return TextNode.valueOf(format(scope.now(), arguments.isEmpty() ? "o" : text(arguments, 0)));
                case "formatdatetime":
                    return TextNode.valueOf(
                            format(instant(arguments, 0), arguments.size() > 1 ? text(arguments, 1) : "o"));
                case "adddays":
                case "addhours": {
                    long amount = arguments.size() > 1 ? arguments.get(1).asLong() : 0;
                    Instant moved = instant(arguments, 0)
                            .plusSeconds(
                                    Math.multiplyExact(amount, name.equalsIgnoreCase("addDays") ? 86_400L : 3_600L));
                    return TextNode.valueOf(format(moved, arguments.size() > 2 ? text(arguments, 2) : "o"));
                }
                case "tolower":
                    return TextNode.valueOf(text(arguments, 0).toLowerCase(Locale.ROOT));
                case "toupper":
                    return TextNode.valueOf(text(arguments, 0).toUpperCase(Locale.ROOT));
                case "string":
                    return TextNode.valueOf(asText(argument(arguments, 0)));
                case "coalesce":
                    return arguments.stream()
                            .filter(argument -> !argument.isNull() && !argument.isMissingNode())
                            .findFirst()
                            .orElse(JSON.nullNode());
                default:
                    throw new ExpressionException("uses '" + name + "()', which pgferry does not evaluate; supported: "
                            + String.join(", ", FUNCTIONS));
            }
        }

        private static JsonNode argument(List<JsonNode> arguments, int index) {
            if (arguments.size() <= index) {
                throw new ExpressionException("calls a function with too few arguments");
            }
            return arguments.get(index);
        }

        private static String text(List<JsonNode> arguments, int index) {
            return asText(argument(arguments, index));
        }

        private static Instant instant(List<JsonNode> arguments, int index) {
            String value = text(arguments, index);
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(value + (value.length() == 10 ? "T00:00:00Z" : "Z"));
                } catch (DateTimeParseException notUtc) {
                    throw new ExpressionException("has a timestamp that is not ISO 8601");
                }
            }
        }

        /** A .NET date format: {@code o} (round trip), or custom patterns such as {@code yyyy/MM/dd HH:mm:ss.fff}. */
        private static String format(Instant instant, String dotNetFormat) {
            String pattern = dotNetFormat.equals("o") || dotNetFormat.equals("O")
                    ? "yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'"
                    : dotNetFormat.replace('f', 'S').replace("tt", "a").replace("K", "XXX");
            try {
                return DateTimeFormatter.ofPattern(pattern, Locale.ROOT)
                        .withZone(ZoneOffset.UTC)
                        .format(instant);
            } catch (IllegalArgumentException e) {
                throw new ExpressionException("has a date format pgferry cannot apply");
            }
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

    /** The parameters object an expression sees: declared defaults, overridden by the given values. */
    public static ObjectNode parameters(JsonNode declared, Map<String, JsonNode> given) {
        ObjectNode parameters = JSON.objectNode();
        declared.fields().forEachRemaining(entry -> {
            if (entry.getValue().has("defaultValue")) {
                parameters.set(entry.getKey(), entry.getValue().get("defaultValue"));
            }
        });
        given.forEach(parameters::set);
        return parameters;
    }
}
