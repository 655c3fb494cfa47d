package io.pgferry.error;

import java.util.List;
import java.util.Optional;

/**
 * Every error pgferry answers with, the one place its code is spelled (each constant's name is the ADF-style
 * {@code errorCode}): its HTTP status, its failure type ({@code UserError}: fix the request; {@code SystemError}: a
 * retry may help) and which part of the request is at fault, so an error found while copying still points at the
 * request's field (see {@link CopyException#atField}).
 */
public enum ErrorCode {
    // The request itself.
    MalformedJson(400, FailureType.UserError, Field.NONE),
    InvalidPayload(400, FailureType.UserError, Field.NONE),
    Unauthorized(401, FailureType.UserError, Field.NONE),
    NotFound(404, FailureType.UserError, Field.NONE),
    RunNotFound(404, FailureType.UserError, Field.NONE),
    MethodNotAllowed(405, FailureType.UserError, Field.NONE),
    RunInProgress(409, FailureType.SystemError, Field.NONE),
    PayloadTooLarge(413, FailureType.UserError, Field.NONE),
    UriTooLong(414, FailureType.UserError, Field.NONE),
    UnsupportedMediaType(415, FailureType.UserError, Field.NONE),
    // Event Grid's webhook handshakes.
    WebHookOriginMissing(400, FailureType.UserError, Field.NONE),
    InvalidValidationEvent(400, FailureType.UserError, Field.NONE),
    UnknownEventDelivery(400, FailureType.UserError, Field.NONE),
    // PostgreSQL refused.
    SourceAuthenticationFailed(400, FailureType.UserError, Field.SOURCE_CONNECTION),
    SourceTlsFailed(400, FailureType.UserError, Field.SOURCE_CONNECTION),
    SourceDatabaseNotFound(400, FailureType.UserError, Field.SOURCE_CONNECTION),
    SourceObjectNotFound(400, FailureType.UserError, Field.SOURCE_QUERY),
    SourcePermissionDenied(400, FailureType.UserError, Field.SOURCE_QUERY),
    SourceQueryNotReadOnly(400, FailureType.UserError, Field.SOURCE_QUERY),
    SourceQueryTimeout(400, FailureType.UserError, Field.SOURCE_QUERY),
    SourceQueryFailed(400, FailureType.UserError, Field.SOURCE_QUERY),
    SourceQueryReturnsNoRows(400, FailureType.UserError, Field.SOURCE_QUERY),
    SourcePartitionNotFound(400, FailureType.UserError, Field.SOURCE_PARTITIONS),
    SourcePartitionsNeedATable(400, FailureType.UserError, Field.SOURCE_PARTITIONS),
    SourcePartitionColumnNotProvided(400, FailureType.UserError, Field.SOURCE_PARTITIONS),
    SourcePartitionColumnTypeUnsupported(400, FailureType.UserError, Field.SOURCE_PARTITIONS),
    ColumnMappingInvalid(400, FailureType.UserError, Field.SOURCE_QUERY),
    LookupTooLarge(400, FailureType.UserError, Field.SOURCE_QUERY),
    ActivityFailed(400, FailureType.UserError, Field.NONE),
    WatermarkColumnInvalid(400, FailureType.UserError, Field.SOURCE_QUERY),
    // The rows cannot be written in the format asked for.
    ParquetSchemaInvalid(400, FailureType.UserError, Field.SOURCE_QUERY),
    AvroSchemaInvalid(400, FailureType.UserError, Field.SOURCE_QUERY),
    ValueNotRepresentable(400, FailureType.UserError, Field.SOURCE_QUERY),
    // The sink refused.
    SinkAuthenticationFailed(400, FailureType.UserError, Field.SINK_CONNECTION),
    SinkRequestRejected(400, FailureType.UserError, Field.SINK_LOCATION),
    SinkNotFound(400, FailureType.UserError, Field.SINK_CONNECTION),
    SinkPathNotAllowed(400, FailureType.UserError, Field.SINK_LOCATION),
    RunCancelled(400, FailureType.UserError, Field.NONE),
    // Key Vault refused a secret a linked service references (AzureKeyVaultSecret); details point at the reference.
    /** The vault has no such secret, or no such version of it (Key Vault's 404 {@code SecretNotFound}). */
    KeyVaultSecretNotFound(400, FailureType.UserError, Field.NONE),
    /**
     * The vault refused the function app's identity (401 or 403: no Key Vault Secrets User role, a disabled secret,
     * the vault's firewall), or the identity got no token at all.
     */
    KeyVaultAccessDenied(400, FailureType.UserError, Field.NONE),
    // A retry may succeed.
    SourceUnreachable(502, FailureType.SystemError, Field.NONE),
    SourceFailed(502, FailureType.SystemError, Field.NONE),
    SinkUnreachable(502, FailureType.SystemError, Field.NONE),
    SinkWriteFailed(502, FailureType.SystemError, Field.NONE),
    /** The vault could not be reached (refused, timed out, its name did not resolve) or answered 5xx or 429. */
    KeyVaultUnreachable(502, FailureType.SystemError, Field.NONE),
    DataConsistencyVerificationFailed(502, FailureType.SystemError, Field.NONE),
    PayloadBlobUnavailable(502, FailureType.SystemError, Field.NONE),
    RunStoreUnavailable(502, FailureType.SystemError, Field.NONE),
    RunStoreNotConfigured(502, FailureType.SystemError, Field.NONE),
    RunStoreContended(502, FailureType.SystemError, Field.NONE),
    RunAbandoned(502, FailureType.SystemError, Field.NONE),
    InvocationTimedOut(502, FailureType.SystemError, Field.NONE),
    InstanceStopping(502, FailureType.SystemError, Field.NONE),
    OutOfMemory(502, FailureType.SystemError, Field.NONE),
    /** A fanned-out copy's snapshot ended before a slice could read in it: the planning instance stopped. */
    FanOutSnapshotLost(502, FailureType.SystemError, Field.NONE),
    /** A fanned-out copy's slice failed on every delivery of its message without reporting why. */
    FanOutSliceLost(502, FailureType.SystemError, Field.NONE),
    Interrupted(502, FailureType.SystemError, Field.NONE),
    InstanceBusy(503, FailureType.SystemError, Field.NONE),
    // pgferry's own fault.
    InternalError(500, FailureType.SystemError, Field.NONE);

    /** The part of a request an error found while copying is about. */
    public enum Field {
        NONE,
        SOURCE_CONNECTION,
        SOURCE_QUERY,
        SOURCE_PARTITIONS,
        SINK_CONNECTION,
        SINK_LOCATION,
        /** A V2 dataset's {@code schema}, else the query or table. */
        SOURCE_SCHEMA,
        /** A V2 linked service's {@code timezone}, else the connection. */
        SOURCE_TIMEZONE,
        /** The linked service's {@code database} field, else the connection (string). */
        SOURCE_DATABASE,
        /** {@code partitionSettings.partitionColumnName}, else the partition settings. */
        SOURCE_PARTITION_COLUMN;

        /** The part to point at when the request did not give this one on its own. */
        public Field broader() {
            return switch (this) {
                case SOURCE_SCHEMA -> SOURCE_QUERY;
                case SOURCE_TIMEZONE, SOURCE_DATABASE -> SOURCE_CONNECTION;
                case SOURCE_PARTITION_COLUMN -> SOURCE_PARTITIONS;
                default -> NONE;
            };
        }
    }

    private final int httpStatus;
    private final FailureType failureType;
    private final Field field;

    ErrorCode(int httpStatus, FailureType failureType, Field field) {
        this.httpStatus = httpStatus;
        this.failureType = failureType;
        this.field = field;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public FailureType failureType() {
        return failureType;
    }

    public Field field() {
        return field;
    }

    /**
     * The body for a bare HTTP status the web layer answered itself (an unparsable body, no such route, a method the
     * route does not take, a body too large), or empty for a status it does not explain.
     */
    public static Optional<ErrorResponse> forStatus(int status) {
        return Optional.ofNullable(
                switch (status) {
                    case 400 -> MalformedJson.response("The request body is not valid JSON.");
                    case 404 -> NotFound.response("There is no such endpoint; /openapi/openapi.json lists them.");
                    case 405 -> MethodNotAllowed.response("The endpoint does not take this method.");
                    case 413 ->
                        PayloadTooLarge.response("The request body is larger than 4 MiB; put a large payload in a"
                                + " blob and name it with payloadBlob.");
                    case 414 -> UriTooLong.response("The request URI is too long.");
                    case 415 ->
                        UnsupportedMediaType.response(
                                "The request body must be JSON (Content-Type" + " application/json).");
                    default -> null;
                });
    }

    /** The body that answers this error. */
    public ErrorResponse response(String message) {
        return new ErrorResponse(name(), message, failureType, null, List.of());
    }
}
