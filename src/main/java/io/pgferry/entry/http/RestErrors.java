package io.pgferry.entry.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * The REST endpoints' failures as the Funqy endpoints answer them (see {@link ErrorResponses}): the
 * {@link CopyException}'s status and ADF-style body, {@code MalformedJson} for an unreadable body.
 */
public class RestErrors {

    @ServerExceptionMapper
    Response copyFailed(CopyException failure) {
        Response.ResponseBuilder response = Response.status(failure.httpStatus())
                .type(MediaType.APPLICATION_JSON)
                .entity(failure.error());
        if (failure.retryAfterSeconds() > 0) {
            response.header("Retry-After", failure.retryAfterSeconds());
        }
        return response.build();
    }

    @ServerExceptionMapper
    Response unreadable(WebApplicationException failure) {
        int status = failure.getResponse().getStatus();
        return ErrorCode.forStatus(status)
                .map(body -> Response.status(status)
                        .type(MediaType.APPLICATION_JSON)
                        .entity(body)
                        .build())
                .orElse(failure.getResponse());
    }
}
