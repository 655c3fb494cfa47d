package io.pgferry.error;

import static java.util.Objects.requireNonNull;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The body of every failed copy, shaped like ADF's activity-run {@code error}: {@code errorCode}, {@code message},
 * {@code failureType}, {@code target} (the activity name when known) and {@code details} (one entry per offending
 * field, with its JSON pointer).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorResponse(
        String errorCode, String message, FailureType failureType, String target, List<Violation> details) {
    public ErrorResponse {
        requireNonNull(errorCode, "errorCode is null");
        requireNonNull(message, "message is null");
        requireNonNull(failureType, "failureType is null");
        details = List.copyOf(details);
    }
}
