package io.pgferry.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import io.pgferry.contract.Compression;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.WrittenFile;
import io.pgferry.format.ChunkFraming;
import io.pgferry.format.RowOutput;

/**
 * Splits a copy's rows into chunks of at most {@code maxRowsPerFile} rows, named as ADF names them, each framed by the
 * format (header, separators, footer) and compressed as asked. Chunks are written while rows arrive and all are
 * committed together by {@link #commit()} once the source is exhausted; {@link #discard()} drops them all, so a copy
 * that fails part-way makes no file visible.
 *
 * <p>
 * The copy's thread owns an instance.
 */
public final class RollingWriter implements RowOutput {
    private final ChunkStore store;
    private final FileLocation location;
    private final FileNaming naming;
    private final byte[] header;
    private final byte[] separator;
    private final byte[] footer;
    private final String contentType;
    private final Compression compression;
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Long> rowsPerChunk = new ArrayList<>();
    private Chunk current;
    private OutputStream out;
    private long currentRows;
    private boolean inRow;

    public RollingWriter(ChunkStore store, FileLocation location, FileNaming naming, ChunkFraming framing,
            String contentType, Compression compression) {
        this.store = store;
        this.location = location;
        this.naming = naming;
        this.header = framing.header();
        this.separator = framing.separator();
        this.footer = framing.footer();
        this.contentType = contentType;
        this.compression = compression;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        try {
            if (!inRow) {
                if (current == null) {
                    open();
                } else if (currentRows > 0 && separator.length > 0) {
                    out.write(separator);
                }
                inRow = true;
            }
            out.write(bytes, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void endRow() {
        inRow = false;
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
        current = store.create(name(chunks.size()), contentType, compression.codec().contentEncoding());
        currentRows = 0;
        try {
            out = Compressors.wrap(compression, new ChunkOutputStream(current));
            out.write(header);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void close() {
        try {
            out.write(footer);
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        current.finish();
        chunks.add(current);
        rowsPerChunk.add(currentRows);
        current = null;
        out = null;
    }

    private String name(int index) {
        String file = location.fileName().isPresent() && naming.maxRowsPerFile().isEmpty()
                ? location.fileName().get()
                : String.format("%s_%05d%s", naming.fileNamePrefix(), index, naming.fileExtension());
        return location.folderPath().isEmpty() ? file : location.folderPath() + "/" + file;
    }

    /** A chunk as the end of an output stream chain; closing the chain does not finish the chunk. */
    private static final class ChunkOutputStream extends OutputStream {
        private final Chunk chunk;

        ChunkOutputStream(Chunk chunk) {
            this.chunk = chunk;
        }

        @Override
        public void write(int b) {
            chunk.write(new byte[] { (byte) b }, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            chunk.write(bytes, offset, length);
        }
    }
}
