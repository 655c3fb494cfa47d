package io.pgferry.payload.expression;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

import io.pgferry.payload.expression.Expressions.ExpressionException;
import io.pgferry.payload.expression.Expressions.Scope;

/** The functions expressions may call, by lower-case name: each takes the evaluated arguments and the scope. */
final class Functions {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Map<String, BiFunction<List<JsonNode>, Scope, JsonNode>> BY_NAME = new HashMap<>();
    /** As ADF spells them, for error messages. */
    private static final List<String> NAMES = List.of(
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

    static {
        BY_NAME.put("pipeline", (arguments, scope) -> scope.pipeline());
        BY_NAME.put("dataset", (arguments, scope) -> scope.dataset());
        BY_NAME.put("linkedservice", (arguments, scope) -> scope.linkedService());
        BY_NAME.put("trigger", (arguments, scope) -> scope.trigger());
        BY_NAME.put("concat", (arguments, scope) -> {
            StringBuilder joined = new StringBuilder();
            arguments.forEach(argument -> joined.append(Expressions.asText(argument)));
            return TextNode.valueOf(joined.toString());
        });
        BY_NAME.put(
                "utcnow",
                (arguments, scope) ->
                        TextNode.valueOf(format(scope.now(), arguments.isEmpty() ? "o" : text(arguments, 0))));
        BY_NAME.put(
                "formatdatetime",
                (arguments, scope) -> TextNode.valueOf(
                        format(instant(arguments, 0), arguments.size() > 1 ? text(arguments, 1) : "o")));
        BY_NAME.put("adddays", (arguments, scope) -> add(arguments, 86_400L));
        BY_NAME.put("addhours", (arguments, scope) -> add(arguments, 3_600L));
        BY_NAME.put(
                "tolower",
                (arguments, scope) -> TextNode.valueOf(text(arguments, 0).toLowerCase(Locale.ROOT)));
        BY_NAME.put(
                "toupper",
                (arguments, scope) -> TextNode.valueOf(text(arguments, 0).toUpperCase(Locale.ROOT)));
        BY_NAME.put("string", (arguments, scope) -> TextNode.valueOf(text(arguments, 0)));
        BY_NAME.put("coalesce", (arguments, scope) -> arguments.stream()
                .filter(argument -> !argument.isNull() && !argument.isMissingNode())
                .findFirst()
                .orElse(JSON.nullNode()));
    }

    private Functions() {}

    /** @throws ExpressionException for a function pgferry does not evaluate */
    static JsonNode call(String name, List<JsonNode> arguments, Scope scope) {
        BiFunction<List<JsonNode>, Scope, JsonNode> function = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (function == null) {
            throw new ExpressionException(
                    "uses '" + name + "()', which pgferry does not evaluate; supported: " + String.join(", ", NAMES));
        }
        return function.apply(arguments, scope);
    }

    private static JsonNode add(List<JsonNode> arguments, long secondsPerUnit) {
        long amount = arguments.size() > 1 ? arguments.get(1).asLong() : 0;
        Instant moved = instant(arguments, 0).plusSeconds(Math.multiplyExact(amount, secondsPerUnit));
        return TextNode.valueOf(format(moved, arguments.size() > 2 ? text(arguments, 2) : "o"));
    }

    private static JsonNode argument(List<JsonNode> arguments, int index) {
        if (arguments.size() <= index) {
            throw new ExpressionException("calls a function with too few arguments");
        }
        return arguments.get(index);
    }

    private static String text(List<JsonNode> arguments, int index) {
        return Expressions.asText(argument(arguments, index));
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
}
