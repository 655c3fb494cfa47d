package io.pgferry.payload.expression;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;

import io.pgferry.payload.expression.Expressions.ExpressionException;
import io.pgferry.payload.expression.Expressions.Scope;

/** The functions expressions may call, by lower-case name: each takes the evaluated arguments and the scope. */
final class Functions {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Map<String, BiFunction<List<JsonNode>, Scope, JsonNode>> BY_NAME = new HashMap<>();
    /** As ADF spells them, for error messages. */
    private static final List<String> NAMES = new ArrayList<>();
    /** What {@code json()} parses: as deep and as long as a request may be. */
    private static final ObjectMapper JSON_TEXT = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(1024 * 1024)
                    .build())
            .build());

    static {
        define("pipeline", (arguments, scope) -> scope.pipeline());
        define("dataset", (arguments, scope) -> scope.dataset());
        define("linkedService", (arguments, scope) -> scope.linkedService());
        define("trigger", (arguments, scope) -> scope.trigger());
        define("activity", (arguments, scope) -> {
            String name = text(arguments, 0);
            if (!scope.activities().has(name)) {
                throw new ExpressionException("refers to activity '" + name + "', which has not run before this one"
                        + " (it must be one this activity depends on)");
            }
            return scope.activities().get(name);
        });
        define("item", (arguments, scope) -> {
            if (scope.item() == null) {
                throw new ExpressionException("uses item() outside a ForEach");
            }
            return scope.item();
        });
        define("variables", (arguments, scope) -> {
            String name = text(arguments, 0);
            if (!scope.variables().has(name)) {
                throw new ExpressionException("refers to variable '" + name + "', which the pipeline does not declare");
            }
            return scope.variables().get(name);
        });
        define("concat", (arguments, scope) -> {
            StringBuilder joined = new StringBuilder();
            arguments.forEach(argument -> joined.append(Expressions.asText(argument)));
            return TextNode.valueOf(joined.toString());
        });
        define(
                "utcnow",
                (arguments, scope) ->
                        TextNode.valueOf(format(scope.now(), arguments.isEmpty() ? "o" : text(arguments, 0))));
        define(
                "formatDateTime",
                (arguments, scope) -> TextNode.valueOf(
                        format(instant(arguments, 0), arguments.size() > 1 ? text(arguments, 1) : "o")));
        define("addDays", (arguments, scope) -> add(arguments, 86_400L));
        define("addHours", (arguments, scope) -> add(arguments, 3_600L));
        define("addMinutes", (arguments, scope) -> add(arguments, 60L));
        define("addSeconds", (arguments, scope) -> add(arguments, 1L));
        define(
                "toLower",
                (arguments, scope) -> TextNode.valueOf(text(arguments, 0).toLowerCase(Locale.ROOT)));
        define(
                "toUpper",
                (arguments, scope) -> TextNode.valueOf(text(arguments, 0).toUpperCase(Locale.ROOT)));
        define("string", (arguments, scope) -> TextNode.valueOf(text(arguments, 0)));
        define(
                "int",
                (arguments, scope) ->
                        JSON.numberNode(Long.parseLong(text(arguments, 0).strip())));
        define(
                "float",
                (arguments, scope) ->
                        JSON.numberNode(new BigDecimal(text(arguments, 0).strip())));
        define("bool", (arguments, scope) -> JSON.booleanNode(truth(argument(arguments, 0))));
        define("json", (arguments, scope) -> json(argument(arguments, 0)));
        define("coalesce", (arguments, scope) -> arguments.stream()
                .filter(argument -> !argument.isNull() && !argument.isMissingNode())
                .findFirst()
                .orElse(JSON.nullNode()));
        define("equals", (arguments, scope) -> JSON.booleanNode(compare(arguments) == 0));
        define("greater", (arguments, scope) -> JSON.booleanNode(compare(arguments) > 0));
        define("greaterOrEquals", (arguments, scope) -> JSON.booleanNode(compare(arguments) >= 0));
        define("less", (arguments, scope) -> JSON.booleanNode(compare(arguments) < 0));
        define("lessOrEquals", (arguments, scope) -> JSON.booleanNode(compare(arguments) <= 0));
        define(
                "and",
                (arguments, scope) -> JSON.booleanNode(
                        !arguments.isEmpty() && arguments.stream().allMatch(Functions::truth)));
        define("or", (arguments, scope) -> JSON.booleanNode(arguments.stream().anyMatch(Functions::truth)));
        define("not", (arguments, scope) -> JSON.booleanNode(!truth(argument(arguments, 0))));
        define(
                "if",
                (arguments, scope) -> truth(argument(arguments, 0)) ? argument(arguments, 1) : argument(arguments, 2));
        define("empty", (arguments, scope) -> {
            JsonNode value = argument(arguments, 0);
            return JSON.booleanNode(value.isNull()
                    || value.isMissingNode()
                    || (value.isTextual() && value.textValue().isEmpty())
                    || (value.isContainerNode() && value.isEmpty()));
        });
        define("length", (arguments, scope) -> {
            JsonNode value = argument(arguments, 0);
            if (value.isTextual()) {
                return JSON.numberNode(value.textValue().length());
            }
            if (value.isContainerNode()) {
                return JSON.numberNode(value.size());
            }
            throw new ExpressionException("calls length() on something that is neither a string nor an array");
        });
        define("createArray", (arguments, scope) -> {
            ArrayNode array = JSON.arrayNode();
            arguments.forEach(array::add);
            return array;
        });
    }

    private static void define(String adfName, BiFunction<List<JsonNode>, Scope, JsonNode> function) {
        NAMES.add(adfName);
        BY_NAME.put(adfName.toLowerCase(Locale.ROOT), function);
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

    /** ADF's truth: a boolean, or the text {@code true}/{@code false}; anything else is an error. */
    private static boolean truth(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = Expressions.asText(value);
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new ExpressionException("uses a value that is not true or false where one is expected");
    }

    /** Numbers by value, anything else by its text; {@code equals} of unlike things is simply false. */
    private static int compare(List<JsonNode> arguments) {
        JsonNode left = argument(arguments, 0);
        JsonNode right = argument(arguments, 1);
        if (left.isNumber() && right.isNumber()) {
            return left.decimalValue().compareTo(right.decimalValue());
        }
        if (left.isNull() || right.isNull() || left.isMissingNode() || right.isMissingNode()) {
            return left.isNull() == right.isNull() && left.isMissingNode() == right.isMissingNode() ? 0 : 1;
        }
        return Expressions.asText(left).compareTo(Expressions.asText(right));
    }

    private static JsonNode json(JsonNode value) {
        if (!value.isTextual()) {
            return value;
        }
        try {
            return JSON_TEXT.readTree(value.textValue());
        } catch (JsonProcessingException e) {
            throw new ExpressionException("calls json() on text that is not JSON");
        }
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
