package io.pgferry.sink.blob;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;

import io.pgferry.contract.BlockSettings;
import io.pgferry.contract.Destination;
import io.pgferry.error.CopyException;
import io.pgferry.sink.ChunkSink;

/**
 * Opens Blob Storage sinks. Each copy gets its own {@link BlobChunkSink} with its own upload threads.
 */
@ApplicationScoped
public class BlobContainers {
    /** A few quick tries: a copy that cannot reach its sink should fail in seconds, not minutes. */
    private static final RequestRetryOptions RETRIES = new RequestRetryOptions(
            RetryPolicyType.EXPONENTIAL, 3, Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(5), null);

    private final BlobServices services;
    private final BufferBudget budget;

    @Inject
    BlobContainers(BlobServices services, BufferBudget budget) {
        this.services = services;
        this.budget = budget;
    }

    /**
     * Why the connection string cannot be used, without quoting it; empty when it parses. Nothing is contacted.
     */
    public static Optional<String> connectionStringProblem(String connectionString) {
        try {
            new BlobServiceClientBuilder().connectionString(connectionString);
            return Optional.empty();
        } catch (RuntimeException e) {
            // IllegalArgumentException for missing parts; the SDK wraps a URISyntaxException for a bad account name.
            return Optional.of("is not a usable Azure Storage connection string: it needs DefaultEndpointsProtocol,"
                    + " AccountName and AccountKey (and BlobEndpoint for an emulator), or UseDevelopmentStorage=true");
        }
    }

    /**
     * Connects to the sink's container, creating it when missing, as ADF does.
     *
     * @throws CopyException when the account refuses or cannot be reached
     */
    public ChunkSink open(
            Destination.BlobStorage store, BlockSettings blocks, String runId, Map<String, String> metadata) {
        String containerName = store.container();
        try {
            BlobContainerClient container =
                    services.client(store.account(), RETRIES).getBlobContainerClient(containerName);
            try {
                container.createIfNotExists();
            } catch (BlobStorageException e) {
                // A container SAS may write blobs but not create containers: the container must exist already, and
                // if it does not, or the credentials are wrong, the first upload says so.
                if (e.getStatusCode() != 403) {
                    throw e;
                }
            }
            return new BlobChunkSink(container, store.account(), blocks, budget, runId, metadata);
        } catch (RuntimeException e) {
            throw BlobErrors.translate(e, store.account(), containerName);
        }
    }
}
