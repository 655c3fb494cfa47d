package io.pgferry.sink;

import java.util.Set;

import io.pgferry.contract.StagedFile;
import io.pgferry.error.CopyException;

/**
 * One copy's connection to the store it writes to. {@link #close()} releases what the copy held (upload threads,
 * file handles); it neither commits nor discards chunks.
 */
public interface ChunkSink extends AutoCloseable {

    /**
     * @param name the file's name below the store, folders separated by {@code /}
     * @param contentEncoding the compression's {@code Content-Encoding}, or null
     */
    Chunk create(String name, String contentType, String contentEncoding);

    /**
     * A chunk another instance wrote and {@linkplain Chunk#handOver handed over}, finished, to be committed here.
     *
     * @throws UnsupportedOperationException for a store whose uncommitted files only their writer can reach
     */
    Chunk adopt(StagedFile file);

    /** Removes the committed file of that name, if there is one (an earlier run's manifest). */
    void deleteIfExists(String name);

    /**
     * Removes files in {@code folder} that an earlier attempt of the same run left behind (it died while committing)
     * and this attempt did not write again, so a retried run leaves exactly its own output.
     *
     * @param written the names this attempt committed
     */
    void removeEarlierAttempts(String folder, Set<String> written);

    /** A failure seen while writing to this store, as the caller's error (naming the store, never a secret). */
    CopyException translate(RuntimeException failure);

    @Override
    void close();
}
