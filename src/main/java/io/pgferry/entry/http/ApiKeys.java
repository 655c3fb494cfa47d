package io.pgferry.entry.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.pgferry.config.ApiConfig;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Standalone deployments' API key (see {@link ApiConfig#key()}): checked before any route, compared in constant
 * time, never logged or echoed. A request without the right key gets 401 and an ADF-style error.
 */
@ApplicationScoped
public class ApiKeys {
    private final Optional<byte[]> key;

    @Inject
    ApiKeys(ApiConfig config) {
        this.key = config.key().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8));
    }

    void install(@Observes Router router) {
        if (key.isPresent()) {
            router.route().order(Integer.MIN_VALUE).handler(this::check);
        }
    }

    private void check(RoutingContext context) {
        boolean probe = context.request().method() == HttpMethod.GET
                && context.normalizedPath().equals("/");
        String given = Optional.ofNullable(context.request().getHeader("x-functions-key"))
                .orElse(context.request().getParam("code"));
        if (probe || (given != null && MessageDigest.isEqual(key.get(), given.getBytes(StandardCharsets.UTF_8)))) {
            context.next();
            return;
        }
        context.fail(CopyException.of(
                ErrorCode.Unauthorized,
                "a valid API key is required (header" + " x-functions-key or query parameter code)",
                null));
    }
}
