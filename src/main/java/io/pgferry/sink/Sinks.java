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
     * @param sliceBytes what the slice may buffer for its uploads
     * @throws CopyException when the store refuses or cannot be reached
     */
    public ChunkStore open(FileSink sink, String runId, long sliceBytes) {
        if (sink.store() instanceof SinkStore.BlobStorage blob) {
            return blobStore.open(blob, sink.blocks().within(sliceBytes), runId, sink.metadata());
        }
        if (sink.store() instanceof SinkStore.FileServer fileServer) {
            return FileServerStore.open(fileServer, runId, sink.location().folderPathPointer());
        }
        throw new IllegalStateException("no store for " + sink.store().type());
    }
}
