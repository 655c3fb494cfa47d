package io.pgferry.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.microsoft.aad.msal4j.MsalException;

import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * Key Vault failures as the caller sees them. Messages name the vault's host, the secret's name and the HTTP status;
 * they never include the SDK's own message (which may quote a request or an answer), a token, nor a secret value.
 * User errors point at the reference in the request.
 */
final class KeyVaultErrors {
    private KeyVaultErrors() {}

    static CopyException translate(RuntimeException failure, SecretReference ref) {
        if (failure instanceof CopyException copyException) {
            return copyException;
        }
        // The vault's own answer; not an identity endpoint's or Entra ID's (a credential's failure may carry one).
        HttpResponseException answer =
                (HttpResponseException) cause(failure, t -> t instanceof HttpResponseException e && fromVault(e, ref));
        if (answer != null) {
            int status = answer.getResponse().getStatusCode();
            return switch (status) {
                case 404 ->
                    at(
                            ErrorCode.KeyVaultSecretNotFound,
                            "Key Vault " + ref.vaultHost() + " has no "
                                    + ref.secret()
                                    + (ref.version().isPresent()
                                            ? " (no such secret, or no such version of it)"
                                            : " (no such secret, or it is deleted)"),
                            ref,
                            failure);
                case 401, 403 ->
                    at(
                            ErrorCode.KeyVaultAccessDenied,
                            "Key Vault " + ref.vaultHost() + " refused ("
                                    + status + ") to give the function app's identity its " + ref.secret()
                                    + "; check that the"
                                    + " identity holds the Key Vault Secrets User role on the vault (or an access policy that"
                                    + " lets it get secrets), that the secret is enabled, and that the vault's network rules let"
                                    + " the function app in",
                            ref,
                            failure);
                case 400 ->
                    at(
                            ErrorCode.InvalidPayload,
                            "Key Vault " + ref.vaultHost() + " rejected (400) the" + " request for its " + ref.secret(),
                            ref,
                            failure);
                default ->
                    CopyException.of(
                            ErrorCode.KeyVaultUnreachable,
                            "Key Vault " + ref.vaultHost() + " answered " + status + " to the request for its "
                                    + ref.secret(),
                            failure);
            };
        }
        if (challengeRefused(failure)) {
            // The server's 401 challenge asked for a token of a resource outside the vault's own domain; no Key
            // Vault does that, and the SDK (its challenge-resource verification) sent no token.
            return at(
                    ErrorCode.InvalidPayload,
                    "the Key Vault linked service's baseUrl https://" + ref.vaultHost()
                            + "/ is not a Key Vault: it asked for a token of a resource outside its own domain, so none was"
                            + " sent for " + ref.secret(),
                    ref,
                    failure);
        }
        if (cause(failure, t -> t instanceof ClientAuthenticationException || t instanceof MsalException) != null) {
            // The identity endpoint or Entra ID was asked for a token (CredentialUnavailableException when there is
            // no identity at all): unreachable is the platform's trouble, an answer without a token is the caller's.
            if (network(failure)) {
                return CopyException.of(
                        ErrorCode.KeyVaultUnreachable,
                        "the sign-in service could not be reached" + " for a token to read " + ref.describe(),
                        failure);
            }
            return at(
                    ErrorCode.KeyVaultAccessDenied,
                    "the function app's identity got no token to read "
                            + ref.describe() + "; check that the function app has the managed identity the Key Vault"
                            + " linked service uses",
                    ref,
                    failure);
        }
        if (network(failure)) {
            return CopyException.of(
                    ErrorCode.KeyVaultUnreachable,
                    "Key Vault " + ref.vaultHost() + " could not be"
                            + " reached (refused, timed out, or its name did not resolve) to read its " + ref.secret(),
                    failure);
        }
        // Neither Key Vault's answer nor the network: the SDK failed in some other way; the log has the cause.
        return CopyException.of(
                ErrorCode.KeyVaultUnreachable,
                "reading " + ref.describe() + " failed; the function" + " log has the details",
                failure);
    }

    /** A user error, with the cause kept for the log, pointing at the reference. */
    private static CopyException at(ErrorCode code, String message, SecretReference ref, Throwable cause) {
        // ErrorCode.Field.NONE is the part every Key Vault code is about: the pointer given for it is the reference.
        return CopyException.of(code, message, cause).atField(Map.of(code.field(), ref.pointer()));
    }

    private static boolean fromVault(HttpResponseException e, SecretReference ref) {
        return e.getResponse() != null
                && e.getResponse().getRequest() != null
                && e.getResponse().getRequest().getUrl() != null
                && ref.vault()
                        .getHost()
                        .equalsIgnoreCase(e.getResponse().getRequest().getUrl().getHost());
    }

    /** Whether the failure, or one of its causes, is the network's (refused, reset, timed out, unresolved). */
    static boolean network(Throwable failure) {
        return cause(
                        failure,
                        t -> t instanceof IOException
                                || t instanceof UncheckedIOException
                                || t instanceof TimeoutException)
                != null;
    }

    /**
     * Whether the SDK refused the vault's challenge (KeyVaultCredentialPolicy throws a plain RuntimeException, "The
     * challenge resource '...' does not match the requested domain").
     */
    private static boolean challengeRefused(Throwable failure) {
        return cause(
                        failure,
                        t -> t.getMessage() != null
                                && t.getMessage().startsWith("The challenge resource ")
                                && t.getMessage().contains("does not match the requested domain"))
                != null;
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
}
