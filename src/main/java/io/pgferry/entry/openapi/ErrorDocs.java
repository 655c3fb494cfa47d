package io.pgferry.entry.openapi;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.error.ErrorCode;

/**
 * The error responses of the API description, written from {@link ErrorCode} so they cannot drift from what the code
 * answers: every operation lists every error status with the codes that answer it, and the error body's
 * {@code errorCode} is an enum of them all.
 */
final class ErrorDocs {
    private ErrorDocs() {}

    /** Adds the error statuses and codes to a Swagger 2.0 document, in place. */
    static ObjectNode addTo(ObjectNode swagger) {
        Map<Integer, String> codes = new TreeMap<>();
        for (ErrorCode code : ErrorCode.values()) {
            codes.merge(code.httpStatus(), code.name() + " (" + code.failureType() + ")", (a, b) -> a + ", " + b);
        }
        swagger.path("paths").forEach(path -> path.properties().forEach(operation -> {
            if (operation.getKey().equals("parameters")) {
                return;
            }
            ObjectNode responses = ((ObjectNode) operation.getValue()).withObjectProperty("responses");
            codes.forEach((status, names) -> {
                ObjectNode response = responses.withObjectProperty(Integer.toString(status));
                String described = response.path("description").asText("");
                response.put("description", (described.isEmpty() ? "" : described + ". ") + "Codes: " + names);
                response.putObject("schema").put("$ref", "#/definitions/Error");
            });
        }));
        JsonNode errorCode = swagger.at("/definitions/Error/properties/errorCode");
        if (errorCode instanceof ObjectNode property) {
            property.putArray("enum")
                    .addAll(Arrays.stream(ErrorCode.values())
                            .map(code -> property.textNode(code.name()))
                            .collect(Collectors.toList()));
        }
        return swagger;
    }
}
