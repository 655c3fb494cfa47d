package io.pgferry.secret;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.azure.core.credential.TokenCredential;

import io.pgferry.contract.Secret;
import io.pgferry.error.CopyException;

/**
 * The Key Vault secrets of one copy: each distinct secret (vault, name and version; not where the request references
 * it) is read once, however many linked services reference it, and a failure is not tried again. Made by
 * {@link KeyVaultSecrets#cache}; dropped with the copy, so a rotated secret is read afresh by the next one. Safe for
 * concurrent use. {@link #toString()} names no value.
 */
public final class SecretCache {
    private final KeyVaultSecrets secrets;
    private final TokenCredential credential;
    private final Map<Key, Object> read = new HashMap<>();

    SecretCache(KeyVaultSecrets secrets, TokenCredential credential) {
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.credential = requireNonNull(credential, "credential is null");
    }

    /**
     * The secret's value, read on the first call for it.
     *
     * @throws CopyException as {@link KeyVaultSecrets#resolve} does; the same one again for the same secret
     */
    public synchronized Secret get(SecretReference ref) {
        Key key = new Key(ref.vault(), ref.name(), ref.version());
        Object known = read.get(key);
        if (known == null) {
            try {
                known = secrets.resolve(ref, credential);
            } catch (CopyException e) {
                known = new Failure(ref, e);
            }
            read.put(key, known);
        }
        if (known instanceof Failure failure) {
            // The same failure, pointing at this reference when it is another one to the same secret.
            if (!failure.ref.pointer().equals(ref.pointer())
                    && failure.error.getCause() instanceof RuntimeException cause) {
                throw KeyVaultErrors.translate(cause, ref);
            }
            throw failure.error;
        }
        return (Secret) known;
    }

    /**
     * Every reference's secret, each distinct one read once, in the order given.
     *
     * @throws CopyException for the first reference that cannot be read
     */
    public Map<SecretReference, Secret> resolveAll(Collection<SecretReference> refs) {
        Map<SecretReference, Secret> values = new LinkedHashMap<>();
        for (SecretReference ref : refs) {
            values.put(ref, get(ref));
        }
        return values;
    }

    @Override
    public synchronized String toString() {
        return "SecretCache[" + read.size() + " secrets]";
    }

    private record Failure(SecretReference ref, CopyException error) {}

    private record Key(URI vault, String name, Optional<String> version) {}
}
