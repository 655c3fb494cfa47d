package io.pgferry.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.pgferry.contract.CopyException;
import io.pgferry.contract.ErrorCode;

/**
 * The REST endpoints' failures as the Funqy endpoints answer them (see {@link ErrorResponses}): the
 * {@link CopyException}'s status and ADF-style body, {@code MalformedJson} for an unreadable body.
 */
public class RestErrors {

    @ServerExceptionMapper
    Response copyFailed(CopyException failure) {
        Response.ResponseBuilder response = Response.status(failure.httpStatus()).type(MediaType.APPLICATION_JSON)
                .entity(failure.error());
        if (failure.retryAfterSeconds() > 0) {
            response.header("Retry-After", failure.retryAfterSeconds());
        }
        return response.build();
    }

    @ServerExceptionMapper
    Response unreadable(WebApplicationException failure) {
        if (failure.getResponse().getStatus() != 400) {
            return failure.getResponse();
        }
        return Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(ErrorCode.MalformedJson.response("The request body is not valid JSON.")).build();
    }
}
