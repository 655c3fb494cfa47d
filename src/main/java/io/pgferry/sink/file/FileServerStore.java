package io.pgferry.sink.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.pgferry.contract.CopyException;
import io.pgferry.contract.SinkStore;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.ChunkStore;

/**
 * ADF's {@code FileServer} sink: files in a folder of the function host, a local disk or a mounted share. Each chunk
 * is written to a hidden temporary file beside its target and renamed into place on commit.
 */
public final class FileServerStore implements ChunkStore {
    private final Path root;
    private final String runTag;

    private FileServerStore(Path root, String runTag) {
        this.root = root;
        this.runTag = runTag;
    }

    /**
     * Why {@code host} may not be written to, or empty when it lies in one of the allowed roots. Nothing is touched.
     */
    public static Optional<String> rootProblem(String host, Optional<List<Path>> allowedRoots) {
        if (allowedRoots.isEmpty() || allowedRoots.get().isEmpty()) {
            return Optional.of("FileServer sinks are disabled on this function; an operator enables them by setting"
                    + " pgferry.file-server.allowed-roots");
        }
        Path path = Path.of(host).normalize();
        if (!path.isAbsolute() || allowedRoots.get().stream().noneMatch(allowed -> path.startsWith(allowed
                .normalize()))) {
            return Optional.of("must be an absolute folder under one of the allowed roots "
                    + allowedRoots.get());
        }
        return Optional.empty();
    }

    /**
     * @throws CopyException when the folder does not exist
     */
    public static FileServerStore open(SinkStore.FileServer store, String runId) {
        if (!Files.isDirectory(store.root())) {
            throw CopyException.userError("SinkNotFound", "the FileServer folder '" + store.root()
                    + "' does not exist or is not a folder", null);
        }
        return new FileServerStore(store.root(), runId.substring(0, 8));
    }

    @Override
    public Chunk create(String name, String contentType, String contentEncoding) {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root)) {
            throw new IllegalArgumentException("file name escapes the FileServer folder");
        }
        try {
            Files.createDirectories(target.getParent());
            return new FileChunk(target, target.resolveSibling("." + target.getFileName() + "." + runTag
                    + ".partial"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CopyException translate(RuntimeException failure) {
        if (failure instanceof CopyException copyException) {
            return copyException;
        }
        String cause = failure instanceof UncheckedIOException io ? io.getCause().toString() : failure.toString();
        return CopyException.systemError("SinkWriteFailed", "writing to the FileServer folder '" + root
                + "' failed: " + cause, failure);
    }

    @Override
    public void close() {
        // Chunks own their file handles.
    }
}
