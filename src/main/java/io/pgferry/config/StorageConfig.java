package io.pgferry.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The function's own storage account: run records, and copy payloads dropped as blobs. */
@ConfigMapping(prefix = "pgferry.storage")
public interface StorageConfig {

    /**
     * Connection string of the account (on Azure Functions, the app's {@code AzureWebJobsStorage}). With neither it
     * nor an identity-based setting below, the queue, event and asynchronous endpoints refuse to run: they need
     * durable run records.
     */
    Optional<String> connectionString();

    /**
     * Without a connection string, the account's blob endpoint (on Azure Functions {@code
     * AzureWebJobsStorage__blobServiceUri}), reached with the function's managed identity.
     */
    Optional<String> blobServiceUri();

    /**
     * Without a connection string or blob service URI, the account's name (on Azure Functions {@code
     * AzureWebJobsStorage__accountName}): its blob endpoint in Azure's public cloud, reached with the function's
     * managed identity.
     */
    Optional<String> accountName();

    /**
     * Without a connection string, the account's queue endpoint (on Azure Functions {@code
     * AzureWebJobsStorage__queueServiceUri}) for fanned-out copies' slice messages; else the blob endpoint's account
     * at {@code queue.} in place of {@code blob.}.
     */
    Optional<String> queueServiceUri();

    /**
     * The client id of the user-assigned identity that reaches the account (on Azure Functions {@code
     * AzureWebJobsStorage__clientId}); without it, the function's own identity as {@code DefaultAzureCredential}
     * finds it.
     */
    Optional<String> clientId();

    /** The container holding one run record per run id. */
    @WithDefault("pgferry-runs")
    String runsContainer();

    /** How often a running copy writes its progress into its record, which also marks it alive. */
    @WithDefault("10s")
    Duration heartbeat();
}
