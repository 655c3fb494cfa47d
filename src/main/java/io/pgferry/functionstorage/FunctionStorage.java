package io.pgferry.functionstorage;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueServiceClientBuilder;
import com.azure.storage.queue.models.QueueStorageException;

import io.pgferry.config.StorageConfig;
import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.Secret;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.sink.blob.BlobServices;

/**
 * The function's own storage account (run records, payload blobs), connected on first use with a connection string
 * or, as Azure Functions' identity-based {@code AzureWebJobsStorage__*} settings describe it, a managed identity.
 */
@ApplicationScoped
public class FunctionStorage {
    private static final RequestRetryOptions RETRIES = new RequestRetryOptions(
            RetryPolicyType.EXPONENTIAL,
            4,
            Duration.ofSeconds(30),
            Duration.ofMillis(500),
            Duration.ofSeconds(5),
            null);

    private final StorageConfig config;
    private final BlobServices services;
    private volatile BlobServiceClient service;
    private final Map<String, BlobContainerClient> containers = new ConcurrentHashMap<>();
    private final Map<String, QueueClient> queues = new ConcurrentHashMap<>();

    @Inject
    FunctionStorage(StorageConfig config, BlobServices services) {
        this.config = config;
        this.services = services;
    }

    /** @throws CopyException {@code RunStoreNotConfigured} when no account is configured */
    public BlobServiceClient blobs() {
        BlobServiceClient current = service;
        if (current == null) {
            current = services.client(account(), RETRIES);
            service = current;
        }
        return current;
    }

    /**
     * A container of the function's account, created on first use.
     *
     * @param purpose what it holds, for the error when the account refuses
     * @throws CopyException {@code RunStoreNotConfigured}, or {@code RunStoreUnavailable} naming the purpose
     */
    public BlobContainerClient container(String name, String purpose) {
        BlobContainerClient known = containers.get(name);
        if (known != null) {
            return known;
        }
        BlobContainerClient created = blobs().getBlobContainerClient(name);
        try {
            created.createIfNotExists();
        } catch (BlobStorageException e) {
            throw unavailable(purpose, e);
        }
        containers.put(name, created);
        return created;
    }

    /**
     * A queue of the function's account, created on first use: by its connection string, or with the function's
     * identity at {@code AzureWebJobsStorage__queueServiceUri} (else the blob endpoint with {@code queue.} for
     * {@code blob.}).
     *
     * @throws CopyException {@code RunStoreNotConfigured}, or {@code RunStoreUnavailable} naming the purpose
     */
    public QueueClient queue(String name, String purpose) {
        QueueClient known = queues.get(name);
        if (known != null) {
            return known;
        }
        QueueServiceClientBuilder builder = new QueueServiceClientBuilder().retryOptions(RETRIES);
        BlobAccount account = account();
        if (account instanceof BlobAccount.ManagedIdentity identity) {
            builder.endpoint(present(config.queueServiceUri())
                            .orElseGet(
                                    () -> identity.serviceEndpoint().toString().replaceFirst("\\.blob\\.", ".queue.")))
                    .credential(services.identity(identity.userAssigned()));
        } else {
            builder.connectionString(
                    ((BlobAccount.Keyed) account).connectionString().reveal());
        }
        QueueClient created = builder.buildClient().getQueueClient(name);
        try {
            created.createIfNotExists();
        } catch (QueueStorageException e) {
            throw CopyException.of(
                    ErrorCode.RunStoreUnavailable,
                    "the " + purpose + "' queue (the function's own account) answered " + e.getStatusCode(),
                    e);
        }
        queues.put(name, created);
        return created;
    }

    /** {@code RunStoreUnavailable}: the function's account answered {@code e} about what {@code purpose} holds. */
    public static CopyException unavailable(String purpose, BlobStorageException e) {
        return CopyException.of(
                ErrorCode.RunStoreUnavailable,
                "the " + purpose + "' storage (the function's own account) answered " + e.getStatusCode()
                        + (e.getErrorCode() == null ? "" : " " + e.getErrorCode()),
                e);
    }

    private BlobAccount account() {
        Optional<String> connectionString = present(config.connectionString());
        if (connectionString.isPresent()) {
            return new BlobAccount.Keyed(new Secret(connectionString.get()));
        }
        URI endpoint = present(config.blobServiceUri())
                .map(URI::create)
                .or(() -> present(config.accountName())
                        .map(name -> URI.create("https://" + name + ".blob.core.windows.net")))
                .orElseThrow(() -> CopyException.of(
                        ErrorCode.RunStoreNotConfigured,
                        "queue, event and"
                                + " asynchronous copies need the function's storage account: set"
                                + " pgferry.storage.connection-string (PGFERRY_STORAGE_CONNECTION_STRING; on Azure it is"
                                + " AzureWebJobsStorage), or AzureWebJobsStorage__accountName or"
                                + " AzureWebJobsStorage__blobServiceUri for the function's managed identity",
                        null));
        return new BlobAccount.ManagedIdentity(
                endpoint, present(config.clientId()).map(id -> new BlobAccount.UserAssigned(false, id)));
    }

    private static Optional<String> present(Optional<String> setting) {
        return setting.map(String::strip).filter(s -> !s.isEmpty());
    }
}
