package io.pgferry.sink.blob;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;

import io.pgferry.contract.BlobLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.WrittenBlob;
import io.pgferry.format.RowOutput;

/**
 * Splits a copy's rows into chunk blobs of at most {@code maxRowsPerFile} rows, named as ADF names them, each starting
 * with the format's chunk header. Chunks are staged while rows arrive and all are committed together by
 * {@link #commit()} once the source is exhausted, so a copy that fails part-way makes no blob visible at all.
 *
 * <p>
 * The copy's thread owns an instance; the caller closes the {@link BlockUploader} it was given.
 */
public final class RollingBlobWriter implements RowOutput {
    private final BlobContainerClient container;
    private final BlobLocation location;
    private final FileNaming naming;
    private final byte[] chunkHeader;
    private final BlobHttpHeaders headers;
    private final Map<String, String> metadata;
    private final BlockUploader uploader;
    private final String blockIdPrefix;
    private final List<StagedBlob> finished = new ArrayList<>();
    private StagedBlob current;

    RollingBlobWriter(BlobContainerClient container, BlobLocation location, FileNaming naming, byte[] chunkHeader,
            String contentType, String runId, BlockUploader uploader) {
        this.container = container;
        this.location = location;
        this.naming = naming;
        this.chunkHeader = chunkHeader.clone();
        this.headers = new BlobHttpHeaders().setContentType(contentType);
        this.metadata = Map.of("pgferry_run_id", runId);
        this.uploader = uploader;
        this.blockIdPrefix = runId.replace("-", "").substring(0, 16);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (current == null) {
            current = open();
        }
        current.write(bytes, offset, length);
    }

    @Override
    public void endRow() {
        current.endRow();
        OptionalLong maxRows = naming.maxRowsPerFile();
        if (maxRows.isPresent() && current.rows() == maxRows.getAsLong()) {
            current.finish();
            finished.add(current);
            current = null;
        }
    }

    /**
     * Stages the last chunk and commits every chunk, in order. A copy without rows still gets one blob (holding the
     * header, if any), so a reader finds a file rather than nothing.
     *
     * @return the committed blobs, in order
     */
    public List<WrittenBlob> commit() {
        if (current == null && finished.isEmpty()) {
            current = open();
        }
        if (current != null) {
            current.finish();
            finished.add(current);
            current = null;
        }
        List<WrittenBlob> written = new ArrayList<>(finished.size());
        for (StagedBlob blob : finished) {
            blob.commit(headers, metadata);
            written.add(new WrittenBlob(container.getBlobContainerName(), blob.name(), blob.rows(), blob.bytes()));
        }
        return written;
    }

    private StagedBlob open() {
        StagedBlob blob = new StagedBlob(container.getBlobClient(blobName(finished.size())).getBlockBlobClient(),
                uploader, blockIdPrefix);
        blob.write(chunkHeader, 0, chunkHeader.length);
        return blob;
    }

    private String blobName(int index) {
        String file = location.fileName().isPresent() && naming.maxRowsPerFile().isEmpty()
                ? location.fileName().get()
                : String.format("%s_%05d%s", naming.fileNamePrefix(), index, naming.fileExtension());
        return location.folderPath().isEmpty() ? file : location.folderPath() + "/" + file;
    }
}
