package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A copy that cannot be done, with the ADF-style error to show the caller and the HTTP status that goes with it.
 * Messages name the field, table, container or blob at fault and never a secret.
 */
public final class CopyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorResponse error;
    private final int httpStatus;
    private final int retryAfterSeconds;

    private CopyException(int httpStatus, ErrorResponse error, Throwable cause) {
        this(httpStatus, error, cause, 0);
    }

    private CopyException(int httpStatus, ErrorResponse error, Throwable cause, int retryAfterSeconds) {
        super(error.errorCode() + ": " + error.message(), cause, false, false);
        this.httpStatus = httpStatus;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The request itself is wrong: every violation found, answered at once with 400 before anything is read. */
    public static CopyException invalidPayload(List<Violation> violations) {
        requireNonNull(violations, "violations is null");
        String message = violations.size() == 1
                ? "The copy request is invalid: " + violations.get(0).pointer() + ": " + violations.get(0).reason()
                : "The copy request is invalid in " + violations.size() + " places; see details.";
        return new CopyException(400, new ErrorResponse("InvalidPayload", message, FailureType.UserError, null,
                violations), null);
    }

    /** The request is well-formed but the source or sink refuses it; a retry will not help until the caller acts. */
    public static CopyException userError(String errorCode, String message, Throwable cause) {
        return new CopyException(400, new ErrorResponse(errorCode, message, FailureType.UserError, null, List.of()),
                cause);
    }

    /** As {@link #userError}, naming the request's field at fault. */
    public static CopyException userErrorAt(String errorCode, String message, Violation field) {
        return new CopyException(400, new ErrorResponse(errorCode, message, FailureType.UserError, null,
                List.of(field)), null);
    }

    /** The source or sink failed or could not be reached; the same request may succeed later (HTTP 502). */
    public static CopyException systemError(String errorCode, String message, Throwable cause) {
        return new CopyException(502, new ErrorResponse(errorCode, message, FailureType.SystemError, null, List.of()),
                cause);
    }

    /** A fault of pgferry's own (a bug): HTTP 500, saying no more than that; the log has the cause. */
    public static CopyException internalError(Throwable cause) {
        return new CopyException(500, new ErrorResponse("InternalError",
                "pgferry failed unexpectedly; the function log has the details.", FailureType.SystemError, null,
                List.of()), cause);
    }

    /** This instance cannot take the copy now (HTTP 503 with {@code Retry-After}); another instance or later may. */
    public static CopyException busy(String errorCode, String message, int retryAfterSeconds) {
        return new CopyException(503, new ErrorResponse(errorCode, message, FailureType.SystemError, null,
                List.of()), null, retryAfterSeconds);
    }

    /** The request clashes with a run in progress; the same request may pass later (HTTP 409). */
    public static CopyException conflict(String errorCode, String message) {
        return new CopyException(409, new ErrorResponse(errorCode, message, FailureType.SystemError, null, List.of()),
                null);
    }

    /** The same failure, attributed to the named activity (ADF's {@code target}). */
    public CopyException withTarget(String target) {
        ErrorResponse targeted = new ErrorResponse(error.errorCode(), error.message(), error.failureType(), target,
                error.details());
        return new CopyException(httpStatus, targeted, getCause(), retryAfterSeconds);
    }

    /** The same failure with another message (more about what happened). */
    public CopyException withMessage(String message) {
        return new CopyException(httpStatus, new ErrorResponse(error.errorCode(), message, error.failureType(),
                error.target(), error.details()), getCause(), retryAfterSeconds);
    }

    /** Seconds the caller should wait before trying again ({@code Retry-After}), or 0 for no such advice. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public ErrorResponse error() {
        return error;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
