package io.pgferry.entry.http;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.error.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What the HTTP surface says beyond the functions: {@code GET /} names the service, its version and its endpoints, and
 * the Funqy functions, which take only POST, answer any other method with 405 and {@code Allow: POST} (Funqy would
 * read a GET's query string as the payload and call it malformed).
 */
@ApplicationScoped
public class Routes {
    /** The Funqy functions' paths: each takes a JSON body by POST. */
    private static final Set<String> FUNCTIONS = Set.of("/copy", "/copyOnQueue", "/copyOnEvent");

    private static final List<Map<String, String>> ENDPOINTS = List.of(
            Map.of("method", "POST", "path", "/copy", "does", "runs a copy while the caller waits"),
            Map.of("method", "POST", "path", "/runs", "does", "starts a copy and answers where to poll it"),
            Map.of("method", "GET", "path", "/runs/{runId}", "does", "a run's progress or outcome"),
            Map.of("method", "DELETE", "path", "/runs/{runId}", "does", "cancels a run"),
            Map.of("method", "POST", "path", "/pipelines", "does", "runs a pipeline of several activities"),
            Map.of("method", "POST", "path", "/events", "does", "Event Grid webhook: copies what events carry"),
            Map.of("method", "GET", "path", "/openapi/openapi.json", "does", "the OpenAPI description"));

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
    String version;

    void install(@Observes Router router) {
        router.route().order(-10).handler(this::onlyPostToFunctions);
        router.get("/").handler(this::index);
    }

    private void onlyPostToFunctions(RoutingContext context) {
        if (context.request().method() == HttpMethod.POST || !FUNCTIONS.contains(context.normalizedPath())) {
            context.next();
            return;
        }
        context.response().putHeader("Allow", "POST");
        write(context, 405, ErrorCode.forStatus(405).orElseThrow());
    }

    private void index(RoutingContext context) {
        // Only "/" as sent: a path that normalises to it ("/runs/..") is no request for the index.
        if (!"/".equals(context.request().path())) {
            context.next();
            return;
        }
        write(context, 200, Map.of("name", "pgferry", "version", version, "endpoints", ENDPOINTS));
    }

    private void write(RoutingContext context, int status, Object body) {
        try {
            context.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response body", e);
        }
    }
}
