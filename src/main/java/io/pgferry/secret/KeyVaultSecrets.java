package io.pgferry.secret;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.util.HttpClientOptions;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.security.keyvault.secrets.SecretClient;
import com.azure.security.keyvault.secrets.SecretClientBuilder;
import com.azure.security.keyvault.secrets.models.KeyVaultSecret;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.Secret;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * Reads the secrets linked services reference in Azure Key Vault, with the function app's managed identity (or any
 * {@link TokenCredential} the caller has), through the Key Vault SDK. One HTTP client serves every vault; one
 * {@link SecretClient} serves each vault and credential for the instance's lifetime, so its token (and the vault's
 * sign-in challenge) is fetched once, not once per copy. Secrets themselves are not kept here: a copy resolves its
 * references through its own {@link SecretCache}, each distinct one once.
 *
 * <p>The SDK's challenge-resource verification stays on: a vault's 401 challenge must ask for a token of a resource
 * whose domain the vault's host lies in ({@code https://vault.azure.net} for {@code *.vault.azure.net}), else no
 * token is sent.
 */
@ApplicationScoped
public class KeyVaultSecrets {
    /**
     * Two quick retries, of what a retry may mend (the network, 408, 429, 5xx but 501 and 505) and nothing else (not
     * a refused sign-in challenge): a copy whose vault cannot be reached should fail in seconds, not minutes.
     */
    static final RetryOptions RETRIES = new RetryOptions(new ExponentialBackoffOptions()
                    .setMaxRetries(2)
                    .setBaseDelay(Duration.ofMillis(250))
                    .setMaxDelay(Duration.ofSeconds(2)))
            .setShouldRetryCondition(KeyVaultSecrets::worthRetrying);
    /** Clients kept before they are all dropped: a bound for callers that hand a new credential to every call. */
    private static final int MAX_CLIENTS = 256;

    /** Built on first use: CDI's client proxy runs the constructor too, and a copy without Key Vault needs none. */
    private volatile HttpClient httpClient;

    private final Map<ClientKey, SecretClient> clients = new ConcurrentHashMap<>();
    private final Map<Optional<BlobAccount.UserAssigned>, TokenCredential> identities = new ConcurrentHashMap<>();

    public KeyVaultSecrets() {}

    /** With another HTTP client (the tests': one that trusts their certificate authority). */
    KeyVaultSecrets(HttpClient httpClient) {
        this.httpClient = requireNonNull(httpClient, "httpClient is null");
    }

    private HttpClient httpClient() {
        HttpClient client = httpClient;
        if (client == null) {
            synchronized (this) {
                client = httpClient;
                if (client == null) {
                    client = HttpClient.createDefault(new HttpClientOptions()
                            .setConnectTimeout(Duration.ofSeconds(5))
                            .setResponseTimeout(Duration.ofSeconds(15))
                            .setReadTimeout(Duration.ofSeconds(15)));
                    httpClient = client;
                }
            }
        }
        return client;
    }

    /**
     * The function app's managed identity: without {@code userAssigned} its own, as {@code DefaultAzureCredential}
     * finds it (as {@code BlobServices} does for Blob Storage); else the user-assigned identity named. One credential
     * per identity for the instance's lifetime, so tokens are cached.
     */
    public TokenCredential identity(Optional<BlobAccount.UserAssigned> userAssigned) {
        requireNonNull(userAssigned, "userAssigned is null");
        return identities.computeIfAbsent(userAssigned, key -> key.<TokenCredential>map(id -> {
                    ManagedIdentityCredentialBuilder builder =
                            new ManagedIdentityCredentialBuilder().httpClient(httpClient());
                    return (id.byResourceId() ? builder.resourceId(id.id()) : builder.clientId(id.id())).build();
                })
                .orElseGet(() -> new DefaultAzureCredentialBuilder()
                        .httpClient(httpClient())
                        .build()));
    }

    /** A cache for one copy, reading with the function app's own identity. */
    public SecretCache cache() {
        return cache(identity(Optional.empty()));
    }

    /** A cache for one copy, reading with {@code credential}: each distinct secret is read once. */
    public SecretCache cache(TokenCredential credential) {
        return new SecretCache(this, credential);
    }

    /**
     * Reads the secret now (no cache; see {@link #cache}).
     *
     * @param credential a long-lived credential (such as {@link #identity}'s): clients are kept per credential
     * @throws CopyException {@code KeyVaultSecretNotFound} or {@code KeyVaultAccessDenied} (400, pointing at the
     *         reference), {@code InvalidPayload} when the URL is no Key Vault's, {@code KeyVaultUnreachable} (502)
     */
    public Secret resolve(SecretReference ref, TokenCredential credential) {
        requireNonNull(ref, "ref is null");
        requireNonNull(credential, "credential is null");
        try {
            KeyVaultSecret secret = client(ref.vault(), credential)
                    .getSecret(ref.name(), ref.version().orElse(""));
            String value = secret.getValue();
            if (value == null) {
                throw CopyException.of(
                        ErrorCode.KeyVaultUnreachable,
                        "Key Vault " + ref.vaultHost() + " answered" + " without a value for its " + ref.secret(),
                        null);
            }
            return new Secret(value);
        } catch (RuntimeException e) {
            throw KeyVaultErrors.translate(e, ref);
        }
    }

    private static boolean worthRetrying(RequestRetryCondition condition) {
        if (condition.getResponse() != null) {
            int status = condition.getResponse().getStatusCode();
            return status == 408 || status == 429 || status >= 500 && status != 501 && status != 505;
        }
        return KeyVaultErrors.network(condition.getThrowable());
    }

    private SecretClient client(URI vault, TokenCredential credential) {
        if (clients.size() >= MAX_CLIENTS) {
            clients.clear();
        }
        return clients.computeIfAbsent(new ClientKey(vault, credential), key -> new SecretClientBuilder()
                .vaultUrl(vault.toString())
                .credential(credential)
                .httpClient(httpClient())
                .retryOptions(RETRIES)
                .buildClient());
    }

    /** A vault and a credential, the credential compared by identity. */
    private record ClientKey(URI vault, TokenCredential credential) {
        @Override
        public boolean equals(Object other) {
            return other instanceof ClientKey key && key.vault.equals(vault) && key.credential == credential;
        }

        @Override
        public int hashCode() {
            return vault.hashCode() * 31 + System.identityHashCode(credential);
        }
    }
}
