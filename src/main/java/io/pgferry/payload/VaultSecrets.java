package io.pgferry.payload;

import java.util.Optional;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.Secret;
import io.pgferry.secret.SecretReference;

/** Where a request's {@code AzureKeyVaultSecret} references are read: one per request, so each is read once. */
@FunctionalInterface
public interface VaultSecrets {
    /** For requests read where no vault may be asked (the tests of the reader alone). */
    VaultSecrets NONE = (reference, identity) -> {
        throw new IllegalStateException("no Key Vault here");
    };

    /**
     * @param identity the user-assigned identity the vault's linked service names, or empty for the function's own
     * @throws io.pgferry.error.CopyException 400 when the secret is missing or the identity may not read it (pointing
     *     at the reference), 502 when the vault cannot be reached
     */
    Secret get(SecretReference reference, Optional<BlobAccount.UserAssigned> identity);
}
