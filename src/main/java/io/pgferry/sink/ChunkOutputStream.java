package io.pgferry.sink;

import java.io.OutputStream;

/** A chunk as the end of an output stream chain; closing the chain does not finish the chunk. */
final class ChunkOutputStream extends OutputStream {
    private final Chunk chunk;

    ChunkOutputStream(Chunk chunk) {
        this.chunk = chunk;
    }

    @Override
    public void write(int b) {
        chunk.write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        chunk.write(bytes, offset, length);
    }
}
