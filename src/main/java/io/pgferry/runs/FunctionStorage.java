package io.pgferry.runs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;

import io.pgferry.config.StorageConfig;
import io.pgferry.contract.CopyException;

/** The function's own storage account (run records, payload blobs), connected on first use. */
@ApplicationScoped
public class FunctionStorage {
    private final StorageConfig config;
    private volatile BlobServiceClient service;

    @Inject
    FunctionStorage(StorageConfig config) {
        this.config = config;
    }

    /** @throws CopyException {@code RunStoreNotConfigured} when no account is configured */
    public BlobServiceClient blobs() {
        BlobServiceClient current = service;
        if (current == null) {
            String connectionString = config.connectionString().filter(s -> !s.isBlank())
                    .orElseThrow(() -> CopyException.systemError("RunStoreNotConfigured", "queue, event and"
                            + " asynchronous copies need the function's storage account: set"
                            + " pgferry.storage.connection-string (PGFERRY_STORAGE_CONNECTION_STRING; on Azure it is"
                            + " AzureWebJobsStorage)", null));
            current = new BlobServiceClientBuilder().connectionString(connectionString).buildClient();
            service = current;
        }
        return current;
    }
}
