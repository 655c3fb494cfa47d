package io.pgferry.sink.blob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import com.azure.core.util.Context;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;

import io.pgferry.contract.StagedFile;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.Md5;

/**
 * One output blob, written as uncommitted blocks. Nothing is visible under its name until {@link #commit()} writes the
 * block list; a copy that fails before that leaves the previous blob (if any) untouched, and the service discards the
 * staged blocks (after a week at most), so {@link #discard()} has nothing to delete.
 */
final class StagedBlob implements Chunk {
    private final BlockBlobClient client;
    private final BlockUploader uploader;
    private final String blockIdPrefix;
    private final BlobHttpHeaders headers;
    private final Map<String, String> metadata;
    private final List<String> blockIds = new ArrayList<>();
    private final List<Future<?>> pending = new ArrayList<>();
    private byte[] current;
    private int position;
    private long bytes;
    private int reserved;
    private final Md5 md5;

    /** @param blockIdPrefix the same length for every blob of a copy, unique to the copy */
    StagedBlob(
            BlockBlobClient client,
            BlockUploader uploader,
            String blockIdPrefix,
            BlobHttpHeaders headers,
            Map<String, String> metadata) {
        this.client = client;
        this.uploader = uploader;
        this.blockIdPrefix = blockIdPrefix;
        this.headers = headers;
        this.metadata = metadata;
        this.md5 = new Md5();
    }

    /** A blob another instance staged and handed over, finished: only {@link #commit()} and what follows remain. */
    StagedBlob(BlockBlobClient client, BlockUploader uploader, StagedFile staged, Map<String, String> metadata) {
        this.client = client;
        this.uploader = uploader;
        this.blockIdPrefix = null;
        this.headers =
                new BlobHttpHeaders().setContentType(staged.contentType()).setContentEncoding(staged.contentEncoding());
        this.metadata = metadata;
        this.md5 = Md5.known(staged.md5() == null ? null : Base64.getDecoder().decode(staged.md5()));
        this.blockIds.addAll(staged.blockIds());
        this.bytes = staged.bytes();
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        while (length > 0) {
            if (current == null) {
                current = uploader.start();
            } else if (position == current.length) {
                byte[] bigger = uploader.grow(current, position);
                if (bigger == null) {
                    // No memory for a larger buffer now: this one goes up as a smaller block.
                    stageCurrent();
                    continue;
                }
                current = bigger;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(source, offset, current, position, n);
            md5.update(source, offset, n);
            position += n;
            offset += n;
            length -= n;
            bytes += n;
            if (position == uploader.blockSize()) {
                stageCurrent();
            }
        }
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public String path() {
        return client.getContainerName() + "/" + client.getBlobName();
    }

    /** Keeps the first block id for the reserved bytes, which are staged as a block of their own. */
    @Override
    public void reserve(int length) {
        md5.unknowable();
        blockIds.add(blockId());
        reserved = length;
        bytes += length;
    }

    @Override
    public void fillReserved(byte[] head) {
        if (head.length != reserved) {
            throw new IllegalArgumentException(head.length + " bytes for " + reserved + " reserved");
        }
        pending.add(uploader.stage(client, blockIds.get(0), head.clone(), head.length));
    }

    /** Stages what is buffered and waits until every block of this blob is on the server. */
    @Override
    public void finish() {
        if (current != null && position == 0) {
            uploader.release(current);
            current = null;
        }
        stageCurrent();
        pending.forEach(StagedBlob::await);
        pending.clear();
    }

    /** Makes the blob visible with the staged blocks, in order. */
    @Override
    public void commit() {
        md5.value().ifPresent(headers::setContentMd5);
        client.commitBlockListWithResponse(
                new BlockBlobCommitBlockListOptions(blockIds)
                        .setHeaders(headers)
                        .setMetadata(metadata),
                null,
                Context.NONE);
    }

    @Override
    public StagedFile handOver(long rows) {
        return new StagedFile(
                client.getBlobName(),
                rows,
                bytes,
                md5.value().map(Md5::base64).orElse(null),
                headers.getContentType(),
                headers.getContentEncoding(),
                blockIds);
    }

    @Override
    public Optional<byte[]> md5() {
        return md5.value();
    }

    /** Blob Storage's own account of the committed blob: its length and the Content-MD5 it keeps. */
    @Override
    public void verify() {
        BlobProperties properties = client.getProperties();
        if (properties.getBlobSize() != bytes) {
            throw new IllegalStateException(
                    path() + " holds " + properties.getBlobSize() + " bytes, not the " + bytes + " written");
        }
        Optional<byte[]> written = md5.value();
        if (written.isPresent() && !Arrays.equals(written.get(), properties.getContentMd5())) {
            throw new IllegalStateException(path() + " has another MD5 than the bytes written");
        }
    }

    @Override
    public void delete() {
        client.deleteIfExists();
    }

    /** Hands back the buffer being filled; staged blocks expire on the service. */
    @Override
    public void discard() {
        if (current != null) {
            uploader.release(current);
            current = null;
        }
    }

    private void stageCurrent() {
        if (current == null) {
            return;
        }
        // Surface a failed upload now rather than after the whole chunk has been read.
        pending.removeIf(upload -> upload.isDone() && await(upload));
        String blockId = blockId();
        blockIds.add(blockId);
        pending.add(uploader.stage(client, blockId, current, position));
        current = null;
        position = 0;
    }

    private String blockId() {
        return Base64.getEncoder()
                .encodeToString(
                        String.format("%s-%06d", blockIdPrefix, blockIds.size()).getBytes(StandardCharsets.US_ASCII));
    }

    /** Waits for an upload and rethrows its failure as it was thrown; true once it has succeeded. */
    private static boolean await(Future<?> upload) {
        try {
            upload.get();
            return true;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause
                    ? cause
                    : new IllegalStateException("block upload failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a block upload", e);
        }
    }
}
