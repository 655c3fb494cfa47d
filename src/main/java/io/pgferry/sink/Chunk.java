package io.pgferry.sink;

import java.util.Optional;

import io.pgferry.contract.StagedFile;

/**
 * One output file in the making. Bytes written are invisible under the file's name until {@link #commit()}; a chunk
 * that is {@link #discard()}ed leaves no trace, and any earlier file of that name stays as it was.
 *
 * <p>
 * Used by one thread: {@link #write} until the chunk is full, {@link #finish()}, then {@link #commit()} or
 * {@link #discard()}. A file whose first bytes depend on the rest (a tar header holds the size of what follows)
 * {@link #reserve}s them before the first write and fills them in before {@link #finish()}.
 */
public interface Chunk {
    void write(byte[] bytes, int offset, int length);

    /** Leaves the first {@code length} bytes of the file to {@link #fillReserved}; call before any write, once. */
    void reserve(int length);

    /** Writes the reserved first bytes, exactly as many as were reserved; call before {@link #finish()}. */
    void fillReserved(byte[] head);

    /** Makes every byte written durable in the store, still invisible. */
    void finish();

    /** Makes the chunk visible under its name, replacing any earlier file. Call after {@link #finish()}. */
    void commit();

    /** Drops what was written; safe to call at any point, and more than once. */
    void discard();

    /** Bytes written so far. */
    long bytes();

    /** Where the committed file is, for the run statistics. */
    String path();

    /**
     * The MD5 of every byte of the file, once {@link #finish()}ed, or empty when it cannot be known while streaming
     * (a file with {@link #reserve}d first bytes).
     */
    Optional<byte[]> md5();

    /**
     * Checks the committed file against what was written: its size, and its MD5 where known.
     *
     * @throws IllegalStateException naming what differs
     */
    void verify();

    /** Removes the committed file again (a later commit of the same copy failed); safe when it is gone already. */
    void delete();

    /**
     * This finished, uncommitted chunk as another instance commits it ({@link ChunkSink#adopt}): its name and staged
     * blocks. Call after {@link #finish()}.
     *
     * @param rows the data rows it holds
     * @throws UnsupportedOperationException for a store whose uncommitted files only this instance can reach
     */
    StagedFile handOver(long rows);
}
