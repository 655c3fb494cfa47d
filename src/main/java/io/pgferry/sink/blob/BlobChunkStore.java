package io.pgferry.sink.blob;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobStorageException;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.BlockSettings;
import io.pgferry.contract.CopyException;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.ChunkStore;

/** One copy's connection to its container; its chunks are block blobs, staged by the copy's {@link BlockUploader}. */
final class BlobChunkStore implements ChunkStore {
    private static final Logger LOG = Logger.getLogger(BlobChunkStore.class);
    private final BlobContainerClient container;
    private final BlobAccount account;
    private final Map<String, String> metadata;
    private final String blockIdPrefix;
    private final BlockUploader uploader;

    BlobChunkStore(BlobContainerClient container, BlobAccount account, BlockSettings blocks, BufferBudget budget,
            String runId, Map<String, String> metadata) {
        this.container = container;
        this.account = account;
        this.metadata = new HashMap<>(metadata);
        this.metadata.put("pgferry_run_id", runId);
        // Unique to this copy (a run id may repeat when a run is retried), so two copies writing the same blob name
        // never mix their blocks; one length for every block of a blob, as Blob Storage requires.
        this.blockIdPrefix = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        this.uploader = new BlockUploader(budget, blocks.blockSizeBytes(), blocks.maxConcurrentConnections());
    }

    @Override
    public Chunk create(String name, String contentType, String contentEncoding) {
        return new StagedBlob(container.getBlobClient(name).getBlockBlobClient(), uploader, blockIdPrefix,
                new BlobHttpHeaders().setContentType(contentType).setContentEncoding(contentEncoding),
                metadata);
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
            LOG.warnf("no permission to delete %s/%s before committing; it is overwritten at the end",
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
