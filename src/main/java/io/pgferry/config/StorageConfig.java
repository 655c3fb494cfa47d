package io.pgferry.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The function's own storage account: run records, and copy payloads dropped as blobs. */
@ConfigMapping(prefix = "pgferry.storage")
public interface StorageConfig {

    /**
     * Connection string of the account (on Azure Functions, the app's {@code AzureWebJobsStorage}). Unset, the
     * queue, event and asynchronous endpoints refuse to run: they need durable run records.
     */
    Optional<String> connectionString();

    /** The container holding one run record per run id. */
    @WithDefault("pgferry-runs")
    String runsContainer();

    /** How often a running copy writes its progress into its record, which also marks it alive. */
    @WithDefault("10s")
    Duration heartbeat();
}
