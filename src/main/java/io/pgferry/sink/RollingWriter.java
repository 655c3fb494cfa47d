package io.pgferry.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import io.pgferry.contract.Compression;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.StagedFile;
import io.pgferry.contract.WrittenFile;
import io.pgferry.format.OutputFormat.FileEncoder;
import io.pgferry.format.OutputFormat.FileEncoding;

/**
 * Splits a copy's (or a slice's) rows into chunks of at most {@code maxRowsPerFile} rows (and about
 * {@code maxBytesPerFile} bytes: a chunk ends with the row that reaches it), named as ADF names them,
 * each encoded by the format and compressed as asked. Chunks are written while rows
 * arrive, {@link #finish()}ed when the rows end and committed together by {@link #commit()} once every slice of the
 * copy has finished; {@link #discard()} drops them all, so a copy that fails part-way makes no file visible.
 *
 * <p>
 * One thread owns an instance.
 */
public final class RollingWriter {
    private final ChunkSink store;
    private final FileLocation location;
    private final FileNaming naming;
    private final long maxRowsPerFile;
    private final long maxBytesPerFile;
    private final FileEncoding encoding;
    private final String contentType;
    private final Compression compression;
    private final OptionalInt slice;
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Long> rowsPerChunk = new ArrayList<>();
    private Chunk current;
    private OutputStream out;
    private FileEncoder encoder;
    private long currentRows;
    private int committed;
    private final List<String> names = new ArrayList<>();

    /**
     * @param slice the slice number when a copy reads in several slices: it goes into every file name
     */
    public RollingWriter(
            ChunkSink store,
            FileLocation location,
            FileNaming naming,
            FileEncoding encoding,
            String contentType,
            Compression compression,
            OptionalInt slice) {
        this.store = store;
        this.location = location;
        this.naming = naming;
        this.maxRowsPerFile = naming.maxRowsPerFile().orElse(Long.MAX_VALUE);
        this.maxBytesPerFile = naming.maxBytesPerFile().orElse(Long.MAX_VALUE);
        this.encoding = encoding;
        this.contentType = contentType;
        this.compression = compression;
        this.slice = slice;
    }

    /**
     * A writer of the files another instance wrote and {@linkplain #handOver() handed over}: it only commits them (and
     * verifies, uncommits or discards them as {@link #commit()} and the rest describe).
     */
    public static RollingWriter adopted(ChunkSink store, List<StagedFile> files) {
        RollingWriter writer = new RollingWriter(store);
        for (StagedFile file : files) {
            writer.chunks.add(store.adopt(file));
            writer.rowsPerChunk.add(file.rows());
            writer.names.add(file.name());
        }
        return writer;
    }

    private RollingWriter(ChunkSink store) {
        this.store = store;
        this.location = null;
        this.naming = null;
        this.maxRowsPerFile = 0;
        this.maxBytesPerFile = 0;
        this.encoding = null;
        this.contentType = null;
        this.compression = null;
        this.slice = OptionalInt.empty();
    }

    /** The finished chunks as another instance commits them (see {@link Chunk#handOver}), in order. */
    public List<StagedFile> handOver() {
        List<StagedFile> files = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            files.add(chunks.get(i).handOver(rowsPerChunk.get(i)));
        }
        return files;
    }

    /** Writes one row as the COPY sent it, starting a file first when needed. */
    public void row(byte[] row) {
        if (current == null) {
            open();
        }
        try {
            encoder.row(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        currentRows++;
        if (currentRows == maxRowsPerFile || current.bytes() >= maxBytesPerFile) {
            close();
        }
    }

    /** Finishes the last chunk: every byte is in the store, nothing visible yet. */
    public void finish() {
        if (current != null) {
            close();
        }
    }

    /** Makes sure there is a file, holding no row, so a copy without rows leaves a file, not nothing. */
    public void ensureFile() {
        if (chunks.isEmpty()) {
            open();
            close();
        }
    }

    /**
     * Commits every finished chunk, in order. When one fails, the chunks this call committed before it are deleted
     * again (see {@link #uncommit()}) and the failure is rethrown.
     *
     * @return the committed files, in order
     */
    public List<WrittenFile> commit() {
        List<WrittenFile> written = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            Chunk chunk = chunks.get(i);
            try {
                chunk.commit();
            } catch (RuntimeException e) {
                uncommit();
                throw e;
            }
            committed = i + 1;
            written.add(new WrittenFile(
                    chunk.path(),
                    rowsPerChunk.get(i),
                    chunk.bytes(),
                    chunk.md5().map(Md5::base64).orElse(null)));
        }
        return written;
    }

    /** The names (below the store) of the chunks committed. */
    public List<String> committedNames() {
        return names.subList(0, committed);
    }

    /** Checks every committed chunk against what was written (size and MD5). */
    public void verify() {
        chunks.subList(0, committed).forEach(Chunk::verify);
    }

    /**
     * Deletes the chunks committed so far: a later step of the copy failed, and its output must not stay half there.
     *
     * @return the paths that could not be deleted
     */
    public List<String> uncommit() {
        List<String> left = new ArrayList<>();
        for (Chunk chunk : chunks.subList(0, committed)) {
            try {
                chunk.delete();
            } catch (RuntimeException e) {
                left.add(chunk.path());
            }
        }
        committed = 0;
        return left;
    }

    /** Drops every chunk that was not committed. */
    public void discard() {
        if (current != null) {
            current.discard();
        }
        chunks.forEach(Chunk::discard);
    }

    private void open() {
        String name = name(chunks.size());
        names.add(name);
        current = store.create(
                name,
                compression.codec().contentType() != null ? compression.codec().contentType() : contentType,
                compression.codec().contentEncoding());
        currentRows = 0;
        try {
            String file = name.substring(name.lastIndexOf('/') + 1);
            out = Compressors.wrap(
                    compression,
                    current,
                    file.substring(
                            0, file.length() - compression.codec().fileSuffix().length()));
            encoder = encoding.open(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void close() {
        try {
            encoder.finish();
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        current.finish();
        chunks.add(current);
        rowsPerChunk.add(currentRows);
        current = null;
        out = null;
        encoder = null;
    }

    private String name(int index) {
        String file;
        if (slice.isPresent()) {
            file = String.format(
                    "%s_%03d_%05d%s", naming.fileNamePrefix(), slice.getAsInt(), index, naming.fileExtension());
        } else if (location.fileName().isPresent() && !naming.splits()) {
            file = location.fileName().get();
        } else {
            file = String.format("%s_%05d%s", naming.fileNamePrefix(), index, naming.fileExtension());
        }
        return location.folderPath().isEmpty() ? file : location.folderPath() + "/" + file;
    }
}
