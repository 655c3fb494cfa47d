package io.pgferry.sink;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.pgferry.contract.CopyException;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.SinkStore;
import io.pgferry.sink.blob.BlobStore;
import io.pgferry.sink.file.FileServerStore;

/** Opens the store a sink names. */
@ApplicationScoped
public class Sinks {
    private final BlobStore blobStore;

    @Inject
    Sinks(BlobStore blobStore) {
        this.blobStore = blobStore;
    }

    /**
     * @throws CopyException when the store refuses or cannot be reached
     */
    public ChunkStore open(FileSink sink, String runId) {
        if (sink.store() instanceof SinkStore.BlobStorage blob) {
            return blobStore.open(blob, sink.blocks(), runId, sink.metadata());
        }
        if (sink.store() instanceof SinkStore.FileServer fileServer) {
            return FileServerStore.open(fileServer, runId);
        }
        throw new IllegalStateException("no store for " + sink.store().type());
    }
}
