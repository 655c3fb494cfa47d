package io.pgferry.sink.blob;

import java.util.List;

import com.azure.storage.blob.BlobContainerClient;

import io.pgferry.contract.BlobSink;
import io.pgferry.contract.CopyException;
import io.pgferry.contract.WrittenBlob;
import io.pgferry.format.RowOutput;

/**
 * One copy's connection to its container. {@link #output} starts the chunked output, {@link #commit()} makes it
 * visible; {@link #close()} stops the upload threads, and without a commit leaves nothing visible.
 */
public final class BlobTarget implements AutoCloseable {
    private final BlobContainerClient container;
    private final BlobSink sink;
    private final String runId;
    private final BlockUploader uploader;
    private RollingBlobWriter writer;

    BlobTarget(BlobContainerClient container, BlobSink sink, String runId) {
        this.container = container;
        this.sink = sink;
        this.runId = runId;
        this.uploader = new BlockUploader(sink.blocks().blockSizeBytes(), sink.blocks().maxConcurrentConnections());
    }

    /**
     * @param chunkHeader bytes that open every chunk (a CSV header line), possibly empty
     */
    public RowOutput output(byte[] chunkHeader, String contentType) {
        if (writer != null) {
            throw new IllegalStateException("output already started");
        }
        writer = new RollingBlobWriter(container, sink.location(), sink.naming(), chunkHeader, contentType, runId,
                uploader);
        return writer;
    }

    /**
     * Stages what is left and commits every chunk.
     *
     * @throws CopyException when Blob Storage refuses or fails
     */
    public List<WrittenBlob> commit() {
        return writer.commit();
    }

    /** Maps a failure seen while writing to this container to the caller's error. */
    public CopyException translate(RuntimeException failure) {
        return BlobErrors.translate(failure, container.getBlobContainerName());
    }

    @Override
    public void close() {
        uploader.close();
    }
}
