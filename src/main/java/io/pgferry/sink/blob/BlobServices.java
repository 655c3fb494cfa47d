package io.pgferry.sink.blob;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;

import io.pgferry.contract.BlobAccount;

/**
 * Blob service clients for every way of signing in. One HTTP client (and its connection pool) serves every account,
 * and one token credential serves each identity, so a warm instance asks the identity endpoint or Entra ID for a
 * token once per lifetime of the token, not once per copy.
 */
@ApplicationScoped
public class BlobServices {
    /** Built on first use: CDI's client proxy runs this class's constructor too. */
    private volatile HttpClient httpClient;

    private final Map<Object, TokenCredential> credentials = new ConcurrentHashMap<>();

    /** A client of the account; nothing is contacted until it is used. */
    public BlobServiceClient client(BlobAccount account, RequestRetryOptions retries) {
        BlobServiceClientBuilder builder =
                new BlobServiceClientBuilder().httpClient(httpClient()).retryOptions(retries);
        if (account instanceof BlobAccount.ManagedIdentity identity) {
            return signedIn(
                    builder,
                    identity.serviceEndpoint(),
                    identity.userAssigned(),
                    () -> managedIdentity(identity.userAssigned()));
        }
        if (account instanceof BlobAccount.ServicePrincipal principal) {
            return signedIn(
                    builder,
                    principal.serviceEndpoint(),
                    List.of(principal.tenant(), principal.clientId(), principal.clientSecret(), principal.cloud()),
                    () -> servicePrincipal(principal));
        }
        return builder.connectionString(
                        ((BlobAccount.Keyed) account).connectionString().reveal())
                .buildClient();
    }

    private HttpClient httpClient() {
        HttpClient client = httpClient;
        if (client == null) {
            synchronized (this) {
                client = httpClient;
                if (client == null) {
                    client = HttpClient.createDefault();
                    httpClient = client;
                }
            }
        }
        return client;
    }

    private BlobServiceClient signedIn(
            BlobServiceClientBuilder builder, URI endpoint, Object identity, Supplier<TokenCredential> credential) {
        return builder.endpoint(endpoint.toString())
                .credential(credentials.computeIfAbsent(identity, key -> credential.get()))
                .buildClient();
    }

    /** The managed identity's credential, shared with the blob clients that sign in with it. */
    public TokenCredential identity(Optional<BlobAccount.UserAssigned> userAssigned) {
        return credentials.computeIfAbsent(userAssigned, key -> managedIdentity(userAssigned));
    }

    private TokenCredential managedIdentity(Optional<BlobAccount.UserAssigned> userAssigned) {
        return userAssigned
                .<TokenCredential>map(id -> {
                    ManagedIdentityCredentialBuilder builder =
                            new ManagedIdentityCredentialBuilder().httpClient(httpClient());
                    return (id.byResourceId() ? builder.resourceId(id.id()) : builder.clientId(id.id())).build();
                })
                .orElseGet(() -> new DefaultAzureCredentialBuilder()
                        .httpClient(httpClient())
                        .build());
    }

    private TokenCredential servicePrincipal(BlobAccount.ServicePrincipal principal) {
        return new ClientSecretCredentialBuilder()
                .tenantId(principal.tenant())
                .clientId(principal.clientId())
                .clientSecret(principal.clientSecret().reveal())
                .authorityHost(principal.cloud().authorityHost())
                .httpClient(httpClient())
                .build();
    }
}
