package io.pgferry.payload.expression;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The part of ADF's expression language that copy payloads use: {@code @pipeline().parameters.x},
 * {@code @dataset().x}, {@code @linkedService().x}, {@code @pipeline().RunId}, {@code @trigger().startTime},
 * {@code @{...}} interpolation, {@code @@} escapes, and the functions {@code concat}, {@code formatDateTime},
 * {@code utcnow}, {@code addDays}, {@code addHours}, {@code toLower}, {@code toUpper}, {@code string} and
 * {@code coalesce}. Anything else is refused with a reason, never passed on as text. A value is parsed into a
 * {@link Template} of {@link Expression}s ({@link ExpressionParser}), then evaluated ({@link Evaluator},
 * {@link Functions}).
 */
public final class Expressions {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Expressions() {}

    /**
     * What expressions can see: the pipeline, the dataset and linked service being read (their parameters), the
     * trigger, the time of the request, and in a pipeline run the outputs of the activities that ran
     * ({@code activity('X').output}), the current ForEach item and the pipeline's variables.
     */
    public record Scope(
            ObjectNode pipeline,
            ObjectNode dataset,
            ObjectNode linkedService,
            ObjectNode trigger,
            Instant now,
            ObjectNode activities,
            JsonNode item,
            ObjectNode variables) {
        public Scope(
                ObjectNode pipeline, ObjectNode dataset, ObjectNode linkedService, ObjectNode trigger, Instant now) {
            this(pipeline, dataset, linkedService, trigger, now, JSON.objectNode(), null, JSON.objectNode());
        }

        public Scope withDataset(ObjectNode parameters) {
            return new Scope(pipeline, parameters, linkedService, trigger, now, activities, item, variables);
        }

        public Scope withLinkedService(ObjectNode parameters) {
            return new Scope(pipeline, dataset, parameters, trigger, now, activities, item, variables);
        }

        /** In a pipeline run: what its activities gave so far, the ForEach item (or null) and the variables. */
        public Scope withRun(ObjectNode activities, JsonNode item, ObjectNode variables) {
            return new Scope(pipeline, dataset, linkedService, trigger, now, activities, item, variables);
        }
    }

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
            return Template.parse(text).evaluate(scope);
        } catch (ArithmeticException | DateTimeException | NumberFormatException e) {
            throw new ExpressionException("computes a number or date out of range");
        }
    }

    public static String asText(JsonNode value) {
        return value.isTextual() ? value.textValue() : value.toString();
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
