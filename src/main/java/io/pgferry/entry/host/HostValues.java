package io.pgferry.entry.host;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.pgferry.error.CopyException;
import io.pgferry.error.Violation;

/**
 * Values in the Functions host's invocation envelope ({@code {"Data": ..., "Metadata": ...}}). The host serialises a
 * string value as JSON a second time ({@code "\"text\""}) and numbers as strings ({@code "1"}); captured payloads
 * also show single encoding. Each value is unwrapped defensively: a string that holds JSON is parsed, a string that
 * parses to a string is unquoted once.
 */
public final class HostValues {
    private HostValues() {}

    /** The value at {@code pointer} in the envelope, unwrapped; missing when absent (or when there is no body). */
    public static JsonNode value(ObjectMapper mapper, JsonNode envelope, String pointer) {
        if (envelope == null) {
            return MissingNode.getInstance();
        }
        JsonNode value = envelope.at(pointer);
        if (!value.isTextual()) {
            return value;
        }
        String text = value.asText().strip();
        if (text.startsWith("{") || text.startsWith("[") || text.startsWith("\"")) {
            try {
                JsonNode parsed = mapper.readTree(text);
                if (parsed != null) {
                    return parsed.isTextual() ? value(mapper, parsed, "") : parsed;
                }
            } catch (JsonProcessingException e) {
                return value;
            }
        }
        return value;
    }

    /** The value at {@code pointer} as text; missing values and objects are refused with the pointer named. */
    public static String text(ObjectMapper mapper, JsonNode envelope, String pointer) {
        return text(mapper, envelope, pointer, pointer);
    }

    /**
     * As {@link #text(ObjectMapper, JsonNode, String)} for a value inside a part of the request, named in errors by
     * {@code requestPointer}, its place in the whole request.
     */
    public static String text(ObjectMapper mapper, JsonNode part, String pointer, String requestPointer) {
        JsonNode value = value(mapper, part, pointer);
        if (value instanceof MissingNode || value.isNull() || value.isContainerNode()) {
            throw CopyException.invalidPayload(List.of(new Violation(requestPointer, "must be a string")));
        }
        return value.asText();
    }

    /** The object at {@code pointer}; anything else is refused with the pointer named. */
    public static JsonNode object(ObjectMapper mapper, JsonNode envelope, String pointer, String what) {
        JsonNode value = value(mapper, envelope, pointer);
        if (!value.isObject()) {
            throw CopyException.invalidPayload(List.of(new Violation(pointer, "must be " + what)));
        }
        return value;
    }
}
