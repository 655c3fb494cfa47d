package io.pgferry.sink.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.pgferry.contract.Destination;
import io.pgferry.contract.StagedFile;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.Violation;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.ChunkSink;

/**
 * ADF's {@code FileServer} sink: files in a folder of the function host, a local disk or a mounted share. Each chunk
 * is written to a hidden temporary file in the folder's root (named after the chunk and a tag of this copy's) and
 * renamed into place on commit.
 *
 * <p>
 * Files stay inside the folder whatever links it holds: the folder is used by its real path (checked against the
 * allowed roots when the request is read), no folder below it may be a symbolic link, and each chunk's folder is
 * checked again, by its real path, once its temporary file exists and before it is renamed into place, so a link
 * swapped in while the copy runs is refused too ({@code SinkPathNotAllowed}).
 */
public final class FileServerSink implements ChunkSink {
    private final Path root;
    private final String runTag;
    private final String folderPathPointer;

    private FileServerSink(Path root, String runTag, String folderPathPointer) {
        this.root = root;
        this.runTag = runTag;
        this.folderPathPointer = folderPathPointer;
    }

    /**
     * Why {@code host} may not be written to, or empty when its real location (links followed) lies in one of the
     * allowed roots. Nothing is touched.
     */
    public static Optional<String> rootProblem(String host, Optional<List<Path>> allowedRoots) {
        if (allowedRoots.isEmpty() || allowedRoots.get().isEmpty()) {
            return Optional.of("FileServer sinks are disabled on this function; an operator enables them by setting"
                    + " pgferry.file-server.allowed-roots");
        }
        String mustBe = "must be an absolute folder under one of the allowed roots " + allowedRoots.get();
        Path path;
        try {
            path = Path.of(host).normalize();
        } catch (InvalidPathException e) {
            return Optional.of("is not a valid path; it " + mustBe);
        }
        if (!path.isAbsolute()) {
            return Optional.of(mustBe);
        }
        Path real = realLocation(path);
        boolean allowed = allowedRoots.get().stream()
                .anyMatch(allowedRoot -> real.startsWith(
                        realLocation(allowedRoot.toAbsolutePath().normalize())));
        return allowed ? Optional.empty() : Optional.of(mustBe + " (links followed)");
    }

    /** The real path of {@code path}, or of its nearest existing ancestor with the rest appended. */
    private static Path realLocation(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(path)).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    /**
     * @param runId the run, which the files' names need not carry: each copy tags its temporary files anew
     * @param folderPathPointer where the request gave the dataset's folder path, for a path refused while writing
     * @throws CopyException when the folder does not exist
     */
    public static FileServerSink open(Destination.FileServer store, String runId, String folderPathPointer) {
        if (!Files.isDirectory(store.root())) {
            throw CopyException.of(
                    ErrorCode.SinkNotFound,
                    "the FileServer folder '" + store.root() + "' does not exist or is not a folder",
                    null);
        }
        try {
            return new FileServerSink(
                    store.root().toRealPath(), UUID.randomUUID().toString().substring(0, 8), folderPathPointer);
        } catch (IOException e) {
            throw CopyException.of(
                    ErrorCode.SinkWriteFailed,
                    "the FileServer folder '" + store.root() + "' cannot be read: " + describe(e),
                    e);
        }
    }

    @Override
    public Chunk create(String name, String contentType, String contentEncoding) {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw notAllowed(name);
        }
        try {
            Path folder = folders(target.getParent());
            // In the folder's root, which the store holds by its real path: a folder below swapped for a link while
            // the copy runs cannot take the temporary file with it.
            Path temporary = root.resolve("." + target.getFileName() + "." + runTag + ".partial");
            FileChunk chunk = new FileChunk(target, temporary, () -> {
                if (!isRealFolder(folder)) {
                    throw notAllowed(name);
                }
            });
            if (!isRealFolder(folder)) {
                chunk.discard();
                throw notAllowed(name);
            }
            return chunk;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the folders from the root down to {@code folder}, none of which may be a link. */
    private Path folders(Path folder) throws IOException {
        Path current = root;
        for (Path part : root.relativize(folder)) {
            current = current.resolve(part);
            try {
                Files.createDirectory(current);
            } catch (FileAlreadyExistsException e) {
                // there already: checked below
            }
            if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw notAllowed(root.relativize(current).toString());
            }
        }
        return current;
    }

    private static boolean isRealFolder(Path folder) {
        try {
            return folder.toRealPath().equals(folder);
        } catch (IOException e) {
            return false;
        }
    }

    private CopyException notAllowed(String name) {
        String reason = "leads through a link or outside the FileServer folder; output stays inside it";
        return CopyException.at(
                ErrorCode.SinkPathNotAllowed,
                "the output path '" + name + "' " + reason,
                new Violation(folderPathPointer, reason));
    }

    /** Files carry no run id; a dead attempt leaves only hidden {@code .partial} files, which readers skip. */
    @Override
    public void removeEarlierAttempts(String folder, Set<String> written) {
        // nothing to recognise
    }

    @Override
    public Chunk adopt(StagedFile file) {
        throw new UnsupportedOperationException("a file server's temporary files stay on the instance that wrote them");
    }

    @Override
    public void deleteIfExists(String name) {
        Path target = root.resolve(name).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw notAllowed(name);
        }
        try {
            if (Files.isDirectory(target.getParent(), LinkOption.NOFOLLOW_LINKS) && isRealFolder(target.getParent())) {
                Files.deleteIfExists(target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CopyException translate(RuntimeException failure) {
        if (failure instanceof CopyException copyException) {
            return copyException;
        }
        if (!(failure instanceof UncheckedIOException io)) {
            // Not the file system's answer: a fault of pgferry's own (an encoder's, say).
            return CopyException.internalError(failure);
        }
        return CopyException.of(
                ErrorCode.SinkWriteFailed,
                "writing to the FileServer folder '" + root + "' failed: " + describe(io.getCause()),
                failure);
    }

    /** An I/O failure in words, without the exception's class name. */
    private static String describe(IOException failure) {
        if (failure instanceof NoSuchFileException e) {
            return "no such file or folder " + e.getFile();
        }
        if (failure instanceof AccessDeniedException e) {
            return "permission denied on " + e.getFile();
        }
        if (failure instanceof FileSystemException e && e.getReason() != null) {
            return e.getReason() + (e.getFile() == null ? "" : " (" + e.getFile() + ")");
        }
        return "an I/O error";
    }

    @Override
    public void close() {
        // Chunks own their file handles.
    }
}
