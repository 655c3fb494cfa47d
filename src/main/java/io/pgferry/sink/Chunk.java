package io.pgferry.sink;

/**
 * One output file in the making. Bytes written are invisible under the file's name until {@link #commit()}; a chunk
 * that is {@link #discard()}ed leaves no trace, and any earlier file of that name stays as it was.
 *
 * <p>
 * Used by one thread: {@link #write} until the chunk is full, {@link #finish()}, then {@link #commit()} or
 * {@link #discard()}.
 */
public interface Chunk {
    void write(byte[] bytes, int offset, int length);

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
}
