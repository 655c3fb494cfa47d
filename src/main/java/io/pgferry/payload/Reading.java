package io.pgferry.payload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.Secret;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.Violation;
import io.pgferry.payload.expression.Expressions;

/**
 * One request being read: the violations found so far, the scope expressions see, the parameters each resolved
 * dataset or linked service was given, and the value readers every part of the reader uses. Each reader records a
 * violation (RFC 6901 pointer and reason, never a secret) and carries on, so the caller learns every problem at once.
 * Its length (over 350 lines) is the value readers ADF's open model needs (strings, numbers, booleans, durations,
 * references, expressions, each with its pointer): splitting them would scatter one contract.
 */
final class Reading {
    static final String UTC = "UTC";
    /** The longest string a request may give a field (a query, an expression). */
    static final int MAX_STRING = 1024 * 1024;

    private static final Pattern TIMESPAN = Pattern.compile("(?:(\\d{1,9})\\.)?(\\d\\d):(60|[0-5]\\d):(60|[0-5]\\d)");
    /** PostgreSQL's statement_timeout is a 32-bit count of milliseconds: a little under 25 days. */
    static final Duration LONGEST_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);

    private final List<Violation> violations = new ArrayList<>();
    private final Map<ErrorCode.Field, String> pointers = new EnumMap<>(ErrorCode.Field.class);
    private final Map<Field, ObjectNode> referenceParameters = new HashMap<>();
    /** Objects whose every property pgferry reads: one no reader looked up is refused. */
    private final List<Field> strict = new ArrayList<>();

    private Expressions.Scope scope;
    private KeyVaultReader keyVault;

    Reading(Expressions.Scope scope) {
        this.scope = scope;
    }

    /** Where this request's {@code AzureKeyVaultSecret} references are read. */
    void keyVault(KeyVaultReader reader) {
        this.keyVault = reader;
    }

    Expressions.Scope scope() {
        return scope;
    }

    List<Violation> violations() {
        return violations;
    }

    int violationCount() {
        return violations.size();
    }

    /** Remembers where the request gave {@code part}, for errors found only while copying. */
    void pointTo(ErrorCode.Field part, Field field) {
        pointers.put(part, field.pointer());
    }

    Map<ErrorCode.Field, String> pointers() {
        return pointers;
    }

    /** The parameters the reference to {@code resource} gave, over its declared defaults. */
    ObjectNode parameters(Field resource) {
        return referenceParameters.get(resource);
    }

    /** Runs {@code body} with {@code inner} as the expressions' scope. */
    <T> T within(Expressions.Scope inner, Supplier<T> body) {
        Expressions.Scope outer = scope;
        scope = inner;
        try {
            return body.get();
        } finally {
            scope = outer;
        }
    }

    Map<String, Field> index(Field array) {
        Map<String, Field> byName = new HashMap<>();
        if (!array.node().isArray()) {
            violation(array, array.present() ? "must be an array" : "is required");
            return byName;
        }
        for (int i = 0; i < array.node().size(); i++) {
            Field resource = array.get(i);
            String name = string(resource.get("name"), true);
            if (name != null && byName.putIfAbsent(name, resource) != null) {
                violation(resource.get("name"), "repeats the name '" + name + "'; names must be unique");
            }
            object(resource.get("properties"));
        }
        return byName;
    }

    Field dataset(Field references, Map<String, Field> datasets) {
        if (!references.node().isArray() || references.node().size() != 1) {
            violation(references, "must hold exactly one DatasetReference");
            return null;
        }
        return resolve(references.get(0), "DatasetReference", datasets, "/datasets");
    }

    /** A single {@code DatasetReference} object (a Lookup's {@code dataset}). */
    Field datasetReference(Field reference, Map<String, Field> datasets) {
        return object(reference) == null ? null : resolve(reference, "DatasetReference", datasets, "/datasets");
    }

    Field linkedService(Field reference, Map<String, Field> linkedServices) {
        return object(reference) == null
                ? null
                : resolve(reference, "LinkedServiceReference", linkedServices, "/linkedServices");
    }

    Field credential(Field reference, Map<String, Field> credentials) {
        return object(reference) == null
                ? null
                : resolve(reference, "CredentialReference", credentials, "/credentials");
    }

    private Field resolve(Field reference, String referenceType, Map<String, Field> pool, String poolPointer) {
        if (reference.get("type").present()) {
            oneOf(reference.get("type"), Set.of(referenceType));
        }
        String name = string(reference.get("referenceName"), true);
        if (name == null) {
            return null;
        }
        Field resource = pool.get(name);
        if (resource == null) {
            violation(reference.get("referenceName"), "names '" + name + "', which is not in " + poolPointer);
            return null;
        }
        // The reference's parameter values are evaluated where the reference stands.
        Map<String, JsonNode> given = new HashMap<>();
        Field parameters = reference.get("parameters");
        parameters.node().fieldNames().forEachRemaining(parameter -> {
            JsonNode value = value(parameters.get(parameter));
            if (value != null) {
                given.put(parameter, value);
            }
        });
        referenceParameters.put(
                resource,
                Expressions.parameters(
                        resource.get("properties").get("parameters").node(), given));
        return resource;
    }

    Field object(Field field) {
        if (!field.node().isObject()) {
            violation(field, field.present() ? "must be an object" : "is required");
            return null;
        }
        return field;
    }

    boolean oneOf(Field field, Set<String> supported) {
        String value = string(field, true);
        if (value != null && !supported.contains(value)) {
            violation(
                    field,
                    "'" + value + "' is not supported; supported: " + String.join(", ", new TreeSet<>(supported)));
            return false;
        }
        return value != null;
    }

    /**
     * A literal string, a number given as text, or the {@code value} of a {@code SecureString}. Expressions are
     * refused here, so an unresolved {@code @...} never reaches the database as text.
     */
    String string(Field field, boolean required) {
        if (!field.present()) {
            return literal(field, required);
        }
        JsonNode value = value(field);
        if (value == null || value.isNull()) {
            if (value != null && required) {
                violation(field, "is required, and its expression gave null");
            }
            return null;
        }
        if (value.isContainerNode()) {
            violation(field, "must be a string, not " + (value.isArray() ? "an array" : "an object"));
            return null;
        }
        if (value.isTextual() && value.textValue().length() > MAX_STRING) {
            violation(field, "is longer than " + MAX_STRING + " characters");
            return null;
        }
        return value.asText();
    }

    /**
     * The field's value with expressions evaluated: a string (or an {@code Expression} object's {@code value}) holding
     * an expression is replaced by its result; any other value is returned as it is. Null after a violation.
     */
    JsonNode value(Field field) {
        JsonNode node = field.node();
        Field text = node.isObject() && "Expression".equals(node.path("type").asText()) ? field.get("value") : field;
        if (!text.node().isTextual()) {
            if (text != field) {
                violation(text, "must be an expression string");
                return null;
            }
            if (node.isObject()) {
                String literal = literal(field, true);
                return literal == null ? null : JsonNodeFactory.instance.textNode(literal);
            }
            return node;
        }
        if (!Expressions.isExpression(text.node().textValue())) {
            return text.node();
        }
        try {
            return Expressions.evaluate(text.node().textValue(), scope);
        } catch (Expressions.ExpressionException e) {
            violation(text, "is an expression that " + e.getMessage());
            return null;
        }
    }

    /**
     * A plain-string secret may hold expressions (parameterised linked services do); a {@code SecureString} is taken
     * literally, since a password may well start with {@code @}.
     */
    Secret secret(Field field, boolean required) {
        String text = field.node().isTextual() ? string(field, required) : literal(field, required);
        return text == null ? null : new Secret(text);
    }

    private String literal(Field field, boolean required) {
        JsonNode node = field.node();
        if (!field.present()) {
            if (required) {
                violation(field, "is required");
            }
            return null;
        }
        if (node.isObject()) {
            String type = node.path("type").asText("");
            switch (type) {
                case "SecureString" -> {
                    return literal(field.get("value"), true);
                }
                case "Expression" -> violation(field, "a secret cannot be an expression");
                case "AzureKeyVaultSecret" -> {
                    return keyVault == null ? null : keyVault.secret(field);
                }
                default -> violation(field, "must be a string or a SecureString object");
            }
            return null;
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        if (!node.isTextual()) {
            violation(field, "must be a string");
            return null;
        }
        return node.textValue();
    }

    OptionalLong integer(Field field, long min, long max) {
        String text = string(field, false);
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return OptionalLong.of(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        violation(field, "must be a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max));
        return OptionalLong.empty();
    }

    /** A .NET timespan, {@code [d.]hh:mm:ss}, as ADF writes {@code queryTimeout}. */
    Optional<Duration> timespan(Field field) {
        String text = string(field, false);
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = TIMESPAN.matcher(text.trim());
        if (!matcher.matches()) {
            violation(field, "must be a timespan [d.]hh:mm:ss, e.g. 02:00:00");
            return Optional.empty();
        }
        long days = matcher.group(1) == null ? 0 : Long.parseLong(matcher.group(1));
        Duration timespan = Duration.ofDays(days)
                .plusHours(Long.parseLong(matcher.group(2)))
                .plusMinutes(Long.parseLong(matcher.group(3)))
                .plusSeconds(Long.parseLong(matcher.group(4)));
        if (timespan.compareTo(LONGEST_TIMEOUT) > 0) {
            violation(field, "must be at most 24.20:31:23 (PostgreSQL's longest statement timeout)");
            return Optional.empty();
        }
        return Optional.of(timespan);
    }

    boolean bool(Field field, boolean fallback) {
        String text = string(field, false);
        if (text == null) {
            return fallback;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                violation(field, "must be true or false");
                yield fallback;
            }
        };
    }

    /**
     * Marks an object as one whose properties pgferry reads one by one (the activity's settings, a dataset's or linked
     * service's {@code typeProperties}, ...): a property in it that no reader looks up is refused by
     * {@link #refuseUnread()}, since ADF would do something with it that pgferry would not.
     */
    Field strict(Field object) {
        if (object.node().isObject()) {
            strict.add(object);
        }
        return object;
    }

    /** A violation for each property of a strict object that no reader looked up. */
    void refuseUnread() {
        for (Field object : strict) {
            for (Field unread : object.unconsulted()) {
                violation(
                        unread,
                        "is not a property pgferry reads here: it belongs to another type or format, or"
                                + " pgferry cannot do what it asks; remove it (README lists what each part takes)");
            }
        }
    }

    void violation(Field field, String reason) {
        violations.add(new Violation(field.pointer(), reason));
    }
}
