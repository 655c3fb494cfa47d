package io.pgferry.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.WrittenFile;
import io.pgferry.format.RowOutput;

/**
 * Splits a copy's rows into chunks of at most {@code maxRowsPerFile} rows, named as ADF names them, each opening with
 * the format's chunk header. Chunks are written while rows arrive and all are committed together by {@link #commit()}
 * once the source is exhausted; {@link #discard()} drops them all, so a copy that fails part-way makes no file visible.
 *
 * <p>
 * The copy's thread owns an instance.
 */
public final class RollingWriter implements RowOutput {
    private final ChunkStore store;
    private final FileLocation location;
    private final FileNaming naming;
    private final byte[] chunkHeader;
    private final String contentType;
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Long> rowsPerChunk = new ArrayList<>();
    private Chunk current;
    private long currentRows;

    public RollingWriter(ChunkStore store, FileLocation location, FileNaming naming, byte[] chunkHeader,
            String contentType) {
        this.store = store;
        this.location = location;
        this.naming = naming;
        this.chunkHeader = chunkHeader.clone();
        this.contentType = contentType;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (current == null) {
            open();
        }
        current.write(bytes, offset, length);
    }

    @Override
    public void endRow() {
        currentRows++;
        OptionalLong maxRows = naming.maxRowsPerFile();
        if (maxRows.isPresent() && currentRows == maxRows.getAsLong()) {
            close();
        }
    }

    /**
     * Finishes the last chunk and commits every chunk, in order. A copy without rows still gets one file (holding the
     * header, if any), so a reader finds a file rather than nothing.
     *
     * @return the committed files, in order
     */
    public List<WrittenFile> commit() {
        if (current == null && chunks.isEmpty()) {
            open();
        }
        if (current != null) {
            close();
        }
        List<WrittenFile> written = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            chunk.commit();
            written.add(new WrittenFile(chunk.path(), rowsPerChunk.get(i), chunk.bytes()));
        }
        return written;
    }

    /** Drops every chunk that was not committed. */
    public void discard() {
        if (current != null) {
            current.discard();
        }
        chunks.forEach(Chunk::discard);
    }

    private void open() {
        current = store.create(name(chunks.size()), contentType);
        currentRows = 0;
        current.write(chunkHeader, 0, chunkHeader.length);
    }

    private void close() {
        current.finish();
        chunks.add(current);
        rowsPerChunk.add(currentRows);
        current = null;
    }

    private String name(int index) {
        String file = location.fileName().isPresent() && naming.maxRowsPerFile().isEmpty()
                ? location.fileName().get()
                : String.format("%s_%05d%s", naming.fileNamePrefix(), index, naming.fileExtension());
        return location.folderPath().isEmpty() ? file : location.folderPath() + "/" + file;
    }
}
