package io.pgferry.entry.http;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What one request may ask of an instance, checked before any endpoint reads it, each refusal an ADF-style error:
 * a URI of at most {@value #MAX_URI} characters (414 {@code UriTooLong}), a body of at most {@value #MAX_BODY} bytes
 * (413 {@code PayloadTooLarge}; {@code quarkus.http.limits.max-body-size} stops a chunked body at the same size), a
 * JSON body ({@code application/json}, {@code text/json} or a {@code +json} type; none at all is read as JSON; else 415
 * {@code UnsupportedMediaType}), and JSON nested at most {@value #MAX_NESTING} deep (else {@code MalformedJson}).
 */
@ApplicationScoped
public class RequestLimits {
    static final int MAX_URI = 4096;
    public static final int MAX_BODY = 4 * 1024 * 1024;
    static final int MAX_NESTING = 64;

    void install(@Observes Router router) {
        // After the API key check (Integer.MIN_VALUE), before every endpoint.
        router.route().order(Integer.MIN_VALUE + 1).handler(this::check);
    }

    private void check(RoutingContext context) {
        if (context.request().uri().length() > MAX_URI) {
            refuse(context, ErrorCode.UriTooLong, "The request URI is longer than " + MAX_URI + " characters.");
            return;
        }
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLong(length)) {
            refuse(
                    context,
                    ErrorCode.PayloadTooLarge,
                    ErrorCode.forStatus(413).orElseThrow().message());
            return;
        }
        String type = context.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (context.request().method() != HttpMethod.GET && type != null && !json(type)) {
            refuse(
                    context,
                    ErrorCode.UnsupportedMediaType,
                    "The request body must be JSON (Content-Type" + " application/json).");
            return;
        }
        context.next();
    }

    private static boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static boolean json(String contentType) {
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json") || mediaType.equals("text/json") || mediaType.endsWith("+json");
    }

    private static void refuse(RoutingContext context, ErrorCode code, String message) {
        context.response().putHeader("Connection", "close");
        context.fail(CopyException.of(code, message, null));
    }

    /** Bounds the nesting of every JSON document the function parses (bodies, queue messages, payload blobs). */
    @Singleton
    static class Nesting implements ObjectMapperCustomizer {
        @Override
        public void customize(ObjectMapper objectMapper) {
            objectMapper
                    .getFactory()
                    .setStreamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING)
                            .maxStringLength(MAX_BODY)
                            .build());
            // One JSON document per body: anything after it makes the body malformed, not ignored.
            objectMapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        }
    }
}
