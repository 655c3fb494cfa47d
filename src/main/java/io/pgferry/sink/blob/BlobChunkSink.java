package io.pgferry.sink.blob;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.BlockSettings;
import io.pgferry.contract.StagedFile;
import io.pgferry.error.CopyException;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.ChunkSink;

/** One copy's connection to its container; its chunks are block blobs, staged by the copy's {@link BlockUploader}. */
final class BlobChunkSink implements ChunkSink {
    private static final Logger LOG = Logger.getLogger(BlobChunkSink.class);
    private final BlobContainerClient container;
    private final BlobAccount account;
    /** The metadata every blob of a run carries: the run's id. */
    static final String RUN_ID_METADATA = "pgferry_run_id";

    private final Map<String, String> metadata;
    private final String runId;
    private final String blockIdPrefix;
    private final BlockUploader uploader;

    BlobChunkSink(
            BlobContainerClient container,
            BlobAccount account,
            BlockSettings blocks,
            BufferBudget budget,
            String runId,
            Map<String, String> metadata) {
        this.container = container;
        this.account = account;
        this.metadata = new HashMap<>(metadata);
        this.metadata.put(RUN_ID_METADATA, runId);
        this.runId = runId;
        // Unique to this copy (a run id may repeat when a run is retried), so two copies writing the same blob name
        // never mix their blocks; one length for every block of a blob, as Blob Storage requires.
        this.blockIdPrefix = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        this.uploader = new BlockUploader(budget, blocks.blockSizeBytes(), blocks.maxConcurrentConnections());
    }

    @Override
    public Chunk create(String name, String contentType, String contentEncoding) {
        return new StagedBlob(
                container.getBlobClient(name).getBlockBlobClient(),
                uploader,
                blockIdPrefix,
                new BlobHttpHeaders().setContentType(contentType).setContentEncoding(contentEncoding),
                metadata);
    }

    @Override
    public Chunk adopt(StagedFile file) {
        return new StagedBlob(container.getBlobClient(file.name()).getBlockBlobClient(), uploader, file, metadata);
    }

    /** Blobs of the folder whose {@code pgferry_run_id} is this run's, other than those just committed. */
    @Override
    public void removeEarlierAttempts(String folder, Set<String> written) {
        ListBlobsOptions options = new ListBlobsOptions()
                .setPrefix(folder.isEmpty() ? "" : folder + "/")
                .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        for (BlobItem blob : container.listBlobs(options, null)) {
            Map<String, String> tags = blob.getMetadata();
            if (tags != null && runId.equals(tags.get(RUN_ID_METADATA)) && !written.contains(blob.getName())) {
                LOG.infof(
                        "removing %s/%s, left by an earlier attempt of run %s",
                        container.getBlobContainerName(), blob.getName(), runId);
                deleteIfExists(blob.getName());
            }
        }
    }

    /** A SAS without delete permission cannot remove it: the earlier file then stays until it is overwritten. */
    @Override
    public void deleteIfExists(String name) {
        try {
            container.getBlobClient(name).deleteIfExists();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 403) {
                throw e;
            }
            LOG.warnf(
                    "no permission to delete %s/%s before committing; it is overwritten at the end",
                    container.getBlobContainerName(), name);
        }
    }

    @Override
    public CopyException translate(RuntimeException failure) {
        return BlobErrors.translate(failure, account, container.getBlobContainerName());
    }

    @Override
    public void close() {
        uploader.close();
    }
}
