package io.pgferry.sink;

import io.pgferry.contract.CopyException;

/**
 * One copy's connection to the store it writes to. {@link #close()} releases what the copy held (upload threads,
 * file handles); it neither commits nor discards chunks.
 */
public interface ChunkStore extends AutoCloseable {

    /**
     * @param name the file's name below the store, folders separated by {@code /}
     * @param contentEncoding the compression's {@code Content-Encoding}, or null
     */
    Chunk create(String name, String contentType, String contentEncoding);

    /** Removes the committed file of that name, if there is one (an earlier run's manifest). */
    void deleteIfExists(String name);

    /** A failure seen while writing to this store, as the caller's error (naming the store, never a secret). */
    CopyException translate(RuntimeException failure);

    @Override
    void close();
}
