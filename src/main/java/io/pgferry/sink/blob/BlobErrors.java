package io.pgferry.sink.blob;

import com.azure.storage.blob.models.BlobStorageException;

import io.pgferry.contract.CopyException;

/**
 * Blob Storage failures as the caller sees them. Messages name the container, the HTTP status and the service's
 * error code; they never include the SDK's own message, which can carry a request URL with a SAS signature.
 */
final class BlobErrors {
    private BlobErrors() {
    }

    static CopyException translate(RuntimeException failure, String container) {
        if (failure instanceof CopyException copyException) {
            return copyException;
        }
        if (failure instanceof BlobStorageException e) {
            String answer = "Blob Storage answered " + e.getStatusCode()
                    + (e.getErrorCode() == null ? "" : " " + e.getErrorCode()) + " for container '" + container + "'";
            return switch (e.getStatusCode()) {
                case 401, 403 -> CopyException.userError("SinkAuthenticationFailed",
                        answer + "; check the account name and key of the sink linked service", e);
                case 400, 404, 409, 412 -> CopyException.userError("SinkRequestRejected", answer, e);
                default -> CopyException.systemError("SinkWriteFailed", answer, e);
            };
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return CopyException.systemError("SinkUnreachable", "Blob Storage could not be reached for container '"
                + container + "' (" + root.getClass().getSimpleName() + ")", failure);
    }
}
