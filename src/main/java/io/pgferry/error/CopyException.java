package io.pgferry.error;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A copy that cannot be done: its {@link ErrorCode} (which fixes the HTTP status and failure type) and the ADF-style
 * error to show the caller. Messages name the field, table, container or blob at fault and never a secret.
 */
public final class CopyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient ErrorResponse error;
    private final int retryAfterSeconds;
    private final ErrorCode.Field field;

    private CopyException(ErrorCode code, ErrorResponse error, Throwable cause, int retryAfterSeconds) {
        this(code, error, cause, retryAfterSeconds, code.field());
    }

    private CopyException(
            ErrorCode code, ErrorResponse error, Throwable cause, int retryAfterSeconds, ErrorCode.Field field) {
        super(error.errorCode() + ": " + error.message(), cause, false, false);
        this.code = code;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
        this.field = field;
    }

    /** The request itself is wrong: every violation found, answered at once with 400 before anything is read. */
    public static CopyException invalidPayload(List<Violation> violations) {
        requireNonNull(violations, "violations is null");
        String message = violations.size() == 1
                ? "The copy request is invalid: " + violations.get(0).pointer() + ": "
                        + violations.get(0).reason()
                : "The copy request is invalid in " + violations.size() + " places; see details.";
        return new CopyException(
                ErrorCode.InvalidPayload,
                new ErrorResponse(ErrorCode.InvalidPayload.name(), message, FailureType.UserError, null, violations),
                null,
                0);
    }

    /** @param cause what failed underneath, for the log; null when nothing did */
    public static CopyException of(ErrorCode code, String message, Throwable cause) {
        return new CopyException(code, code.response(message), cause, 0);
    }

    /** As {@link #of}, naming the request's field at fault. */
    public static CopyException at(ErrorCode code, String message, Violation field) {
        return new CopyException(
                code, new ErrorResponse(code.name(), message, code.failureType(), null, List.of(field)), null, 0);
    }

    /** This instance cannot take the copy now ({@code InstanceBusy}, 503 with {@code Retry-After}). */
    public static CopyException busy(String message, int retryAfterSeconds) {
        return new CopyException(
                ErrorCode.InstanceBusy, ErrorCode.InstanceBusy.response(message), null, retryAfterSeconds);
    }

    /** A fault of pgferry's own (a bug): HTTP 500, saying no more than that; the log has the cause. */
    public static CopyException internalError(Throwable cause) {
        return of(ErrorCode.InternalError, "pgferry failed unexpectedly; the function log has the details.", cause);
    }

    /** The same failure, attributed to the named activity (ADF's {@code target}). */
    public CopyException withTarget(String target) {
        return new CopyException(
                code,
                new ErrorResponse(error.errorCode(), error.message(), error.failureType(), target, error.details()),
                getCause(),
                retryAfterSeconds,
                field);
    }

    /** The same failure with another message (more about what happened). */
    public CopyException withMessage(String message) {
        return new CopyException(
                code,
                new ErrorResponse(error.errorCode(), message, error.failureType(), error.target(), error.details()),
                getCause(),
                retryAfterSeconds,
                field);
    }

    /** The same failure, about a narrower part of the request than its code says (a schema, not the table). */
    public CopyException about(ErrorCode.Field narrower) {
        return new CopyException(code, error, getCause(), retryAfterSeconds, narrower);
    }

    /**
     * The same failure pointing at the part of the request it is about ({@link ErrorCode#field()} unless
     * {@link #about} said otherwise, else the broader part), when it names none yet and {@code pointers} knows
     * where that part was given.
     */
    public CopyException atField(Map<ErrorCode.Field, String> pointers) {
        String pointer = pointers.getOrDefault(field, pointers.get(field.broader()));
        if (pointer == null || !error.details().isEmpty()) {
            return this;
        }
        return new CopyException(
                code,
                new ErrorResponse(
                        error.errorCode(),
                        error.message(),
                        error.failureType(),
                        error.target(),
                        List.of(new Violation(pointer, error.message()))),
                getCause(),
                retryAfterSeconds,
                field);
    }

    public ErrorCode code() {
        return code;
    }

    public ErrorResponse error() {
        return error;
    }

    public int httpStatus() {
        return code.httpStatus();
    }

    /** Seconds the caller should wait before trying again ({@code Retry-After}), or 0 for no such advice. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
