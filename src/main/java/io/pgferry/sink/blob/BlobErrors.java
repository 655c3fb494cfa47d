package io.pgferry.sink.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.storage.blob.models.BlobStorageException;
import com.microsoft.aad.msal4j.MsalException;

import io.pgferry.contract.BlobAccount;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * Blob Storage failures as the caller sees them. Messages name the container, the HTTP status and the service's
 * error code; they never include the SDK's own message, which can carry a request URL with a SAS signature, nor an
 * identity endpoint's or Entra ID's answer.
 */
final class BlobErrors {
    private BlobErrors() {}

    static CopyException translate(RuntimeException failure, BlobAccount account, String container) {
        if (failure instanceof CopyException copyException) {
            return copyException;
        }
        if (failure instanceof BlobStorageException e) {
            String answer = "Blob Storage answered " + e.getStatusCode()
                    + (e.getErrorCode() == null ? "" : " " + e.getErrorCode()) + " for container '" + container + "'";
            return switch (e.getStatusCode()) {
                case 401, 403 -> CopyException.of(ErrorCode.SinkAuthenticationFailed, answer + "; " + hint(account), e);
                case 400, 404, 409, 412 -> CopyException.of(ErrorCode.SinkRequestRejected, answer, e);
                default -> CopyException.of(ErrorCode.SinkWriteFailed, answer, e);
            };
        }
        if (cause(failure, t -> t instanceof ClientAuthenticationException || t instanceof MsalException) != null) {
            // The identity endpoint or Entra ID was asked for a token (CredentialUnavailableException when there is
            // no identity at all): unreachable is the platform's trouble, an answer without a token is the caller's.
            if (cause(failure, t -> t instanceof IOException || t instanceof UncheckedIOException) != null) {
                return CopyException.of(
                        ErrorCode.SinkUnreachable,
                        "the sign-in service for the Blob Storage" + " account of container '" + container
                                + "' could not be reached",
                        failure);
            }
            return CopyException.of(
                    ErrorCode.SinkAuthenticationFailed,
                    "no token for the Blob Storage account of" + " container '" + container + "'; " + hint(account),
                    failure);
        }
        if (cause(
                        failure,
                        t -> t instanceof IOException
                                || t instanceof UncheckedIOException
                                || t instanceof TimeoutException)
                != null) {
            return CopyException.of(
                    ErrorCode.SinkUnreachable,
                    "Blob Storage could not be reached for container '" + container + "'",
                    failure);
        }
        // Neither Blob Storage's answer nor the network: a fault of pgferry's own (an encoder's, say).
        return CopyException.internalError(failure);
    }

    /** The first of the failure and its causes that matches, or null. */
    private static Throwable cause(Throwable failure, Predicate<Throwable> matches) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (matches.test(t)) {
                return t;
            }
        }
        return null;
    }

    /** What to check for each way of signing in. */
    private static String hint(BlobAccount account) {
        if (account instanceof BlobAccount.ManagedIdentity identity) {
            return "check that the function app has "
                    + identity.userAssigned()
                            .map(id -> "the user-assigned identity " + id.id())
                            .orElse("a managed identity")
                    + " and that it holds Storage Blob Data Contributor on the account";
        }
        if (account instanceof BlobAccount.ServicePrincipal) {
            return "check tenant, servicePrincipalId and servicePrincipalKey of the sink linked service, and that the"
                    + " principal holds Storage Blob Data Contributor on the account";
        }
        return "check the account name and key (or SAS token) of the sink linked service";
    }
}
