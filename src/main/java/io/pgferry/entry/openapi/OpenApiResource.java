package io.pgferry.entry.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The API description in both forms from one source: {@code /openapi/swagger.json} (OpenAPI 2.0, what Logic Apps and
 * Power Platform custom connectors import) is written by hand, its error responses from the error codes
 * ({@link ErrorDocs}); {@code /openapi/openapi.json} is OpenAPI 3.0.3 converted from it, for every other tool.
 */
@Path("/openapi")
public class OpenApiResource {
    private static final String SWAGGER = "/openapi/swagger.json";

    @Inject
    ObjectMapper mapper;

    private volatile ObjectNode swagger;
    private volatile JsonNode converted;

    @GET
    @Path("swagger.json")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode swagger() {
        ObjectNode current = swagger;
        if (current == null) {
            try (InputStream in = OpenApiResource.class.getResourceAsStream(SWAGGER)) {
                current = ErrorDocs.addTo((ObjectNode) mapper.readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + SWAGGER, e);
            }
            swagger = current;
        }
        return current;
    }

    @GET
    @Path("openapi.json")
    @Produces(MediaType.APPLICATION_JSON)
    public JsonNode openApi() {
        JsonNode current = converted;
        if (current == null) {
            current = convert(((ObjectNode) swagger()).deepCopy());
            converted = current;
        }
        return current;
    }

    /** Swagger 2.0 to OpenAPI 3.0: bodies become request bodies, schemas move to components, headers get schemas. */
    ObjectNode convert(ObjectNode swagger) {
        ObjectNode openApi = mapper.createObjectNode().put("openapi", "3.0.3");
        openApi.set("info", swagger.get("info"));
        openApi.putArray("servers").addObject().put("url", "/");
        ObjectNode paths = openApi.putObject("paths");
        for (Map.Entry<String, JsonNode> path : swagger.path("paths").properties()) {
            ObjectNode item = paths.putObject(path.getKey());
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                if (operation.getKey().equals("parameters")) {
                    item.set("parameters", parameters((ArrayNode) operation.getValue(), null));
                } else {
                    item.set(operation.getKey(), operation((ObjectNode) operation.getValue()));
                }
            }
        }
        ObjectNode components = openApi.putObject("components");
        components.set("schemas", refs(swagger.path("definitions").deepCopy()));
        ObjectNode schemes = components.putObject("securitySchemes");
        swagger.path("securityDefinitions").properties().forEach(s -> schemes.set(s.getKey(), s.getValue()));
        openApi.set("security", swagger.get("security"));
        return openApi;
    }

    private ObjectNode operation(ObjectNode swagger) {
        ObjectNode operation = swagger.deepCopy();
        operation.remove("parameters");
        if (swagger.has("parameters")) {
            ArrayNode others = parameters((ArrayNode) swagger.get("parameters"), operation);
            if (!others.isEmpty()) {
                operation.set("parameters", others);
            }
        }
        ObjectNode responses = operation.putObject("responses");
        swagger.path("responses").properties().forEach(r -> {
            ObjectNode response = responses
                    .putObject(r.getKey())
                    .put("description", r.getValue().path("description").asText());
            if (r.getValue().has("schema")) {
                response.putObject("content")
                        .putObject("application/json")
                        .set("schema", refs(r.getValue().get("schema").deepCopy()));
            }
            if (r.getValue().has("headers")) {
                ObjectNode headers = response.putObject("headers");
                r.getValue().get("headers").properties().forEach(h -> {
                    ObjectNode header = headers.putObject(h.getKey());
                    if (h.getValue().has("description")) {
                        header.set("description", h.getValue().get("description"));
                    }
                    header.putObject("schema").set("type", h.getValue().get("type"));
                });
            }
        });
        return operation;
    }

    /** Non-body parameters with their type as a schema; a body parameter becomes the operation's request body. */
    private ArrayNode parameters(ArrayNode swagger, ObjectNode operation) {
        ArrayNode others = mapper.createArrayNode();
        for (JsonNode parameter : swagger) {
            if (parameter.path("in").asText().equals("body")) {
                ObjectNode body = operation
                        .putObject("requestBody")
                        .put("required", parameter.path("required").asBoolean());
                body.putObject("content")
                        .putObject("application/json")
                        .set("schema", refs(parameter.get("schema").deepCopy()));
            } else {
                ObjectNode converted = parameter.deepCopy();
                converted.remove("type");
                converted.putObject("schema").set("type", parameter.get("type"));
                others.add(converted);
            }
        }
        return others;
    }

    /** Rewrites {@code #/definitions/X} references to {@code #/components/schemas/X}, in place. */
    private static JsonNode refs(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("$ref")) {
                object.put("$ref", object.get("$ref").asText().replace("#/definitions/", "#/components/schemas/"));
            }
            object.elements().forEachRemaining(OpenApiResource::refs);
        } else if (node instanceof ArrayNode array) {
            array.elements().forEachRemaining(OpenApiResource::refs);
        }
        return node;
    }
}
