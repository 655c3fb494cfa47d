package io.pgferry.entry.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.ErrorResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives failed requests ADF-style error bodies and the right status. Funqy fails bare (400 when it cannot parse the
 * body, 500 when the function throws); this failure handler runs first and answers with the {@link CopyException}'s
 * status and {@link ErrorResponse}, a {@code MalformedJson} 400, or a 500 that says no more than that.
 */
@ApplicationScoped
public class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    @Inject
    ObjectMapper mapper;

    void install(@Observes Router router) {
        router.route().failureHandler(this::handle);
    }

    private void handle(RoutingContext context) {
        if (context.response().ended()) {
            return;
        }
        Throwable failure = context.failure();
        CopyException copyFailure = find(failure);
        if (copyFailure != null) {
            if (copyFailure.retryAfterSeconds() > 0) {
                context.response().putHeader("Retry-After", Integer.toString(copyFailure.retryAfterSeconds()));
            }
            respond(context, copyFailure.httpStatus(), copyFailure.error());
        } else if (failure == null && ErrorCode.forStatus(context.statusCode()).isPresent()) {
            respond(
                    context,
                    context.statusCode(),
                    ErrorCode.forStatus(context.statusCode()).orElseThrow());
        } else if (failure == null) {
            context.next();
        } else {
            LOG.error("unexpected failure", failure);
            respond(context, 500, CopyException.internalError(failure).error());
        }
    }

    private static CopyException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CopyException copyException) {
                return copyException;
            }
        }
        return null;
    }

    private void respond(RoutingContext context, int status, ErrorResponse error) {
        try {
            context.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(mapper.writeValueAsString(error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
    }
}
