package io.pgferry.sink;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.pgferry.contract.Destination;
import io.pgferry.contract.FileSink;
import io.pgferry.error.CopyException;
import io.pgferry.sink.blob.BlobContainers;
import io.pgferry.sink.file.FileServerSink;

/** Opens the store a sink names. */
@ApplicationScoped
public class ChunkSinks {
    private final BlobContainers blobStore;

    @Inject
    ChunkSinks(BlobContainers blobStore) {
        this.blobStore = blobStore;
    }

    /**
     * @param sliceBytes what the slice may buffer for its uploads
     * @throws CopyException when the store refuses or cannot be reached
     */
    public ChunkSink open(FileSink sink, String runId, long sliceBytes) {
        if (sink.destination() instanceof Destination.BlobStorage blob) {
            return blobStore.open(blob, sink.blocks().within(sliceBytes), runId, sink.metadata());
        }
        if (sink.destination() instanceof Destination.FileServer fileServer) {
            return FileServerSink.open(fileServer, runId, sink.location().folderPathPointer());
        }
        throw new IllegalStateException("no store for " + sink.destination().type());
    }
}
