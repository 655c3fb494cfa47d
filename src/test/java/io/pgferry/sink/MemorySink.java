package io.pgferry.sink;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.pgferry.contract.StagedFile;
import io.pgferry.error.CopyException;

/**
 * A store in memory for the writer's unit tests: what is committed is visible in {@link #files()}; what is staged is
 * not. A chunk can be told to fail its commit, as a store that refuses it. Sinks made {@link #sharing} one store's
 * staged blocks adopt the chunks it hands over, as instances of a fanned-out copy do in Blob Storage.
 */
final class MemorySink implements ChunkSink {
    private final Map<String, byte[]> files;
    /** Blocks handed over, by block id: the part of a blob store every instance sees. */
    private final Map<String, byte[]> staged;

    private final List<MemoryChunk> created = new ArrayList<>();
    private String failCommitOf;

    MemorySink() {
        this(new TreeMap<>(), new HashMap<>());
    }

    private MemorySink(Map<String, byte[]> files, Map<String, byte[]> staged) {
        this.files = files;
        this.staged = staged;
    }

    /** Another instance's sink on the same store: same committed files, same staged blocks. */
    MemorySink sharing() {
        return new MemorySink(files, staged);
    }

    /** The committed files, by name. */
    Map<String, byte[]> files() {
        return files;
    }

    List<MemoryChunk> created() {
        return created;
    }

    /** The chunk of that name fails when committed. */
    void failCommitOf(String name) {
        failCommitOf = name;
    }

    @Override
    public Chunk create(String name, String contentType, String contentEncoding) {
        MemoryChunk chunk = new MemoryChunk(name, contentType, contentEncoding);
        created.add(chunk);
        return chunk;
    }

    @Override
    public Chunk adopt(StagedFile file) {
        MemoryChunk chunk = new MemoryChunk(file.name(), file.contentType(), file.contentEncoding());
        for (String blockId : file.blockIds()) {
            byte[] block = staged.get(blockId);
            chunk.bytes.write(block, 0, block.length);
        }
        chunk.finished = true;
        return chunk;
    }

    @Override
    public void deleteIfExists(String name) {
        files.remove(name);
    }

    @Override
    public void removeEarlierAttempts(String folder, Set<String> written) {
        files.keySet().removeIf(name -> name.startsWith(folder) && !written.contains(name));
    }

    @Override
    public CopyException translate(RuntimeException failure) {
        return CopyException.internalError(failure);
    }

    @Override
    public void close() {}

    final class MemoryChunk implements Chunk {
        final String name;
        final String contentType;
        final String contentEncoding;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private int reserved = -1;
        private boolean finished;
        boolean discarded;

        MemoryChunk(String name, String contentType, String contentEncoding) {
            this.name = name;
            this.contentType = contentType;
            this.contentEncoding = contentEncoding;
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            if (finished) {
                throw new IllegalStateException("written after finish");
            }
            bytes.write(data, offset, length);
        }

        @Override
        public void reserve(int length) {
            if (reserved >= 0 || bytes.size() > 0) {
                throw new IllegalStateException("reserve once, before any write");
            }
            reserved = length;
            bytes.write(new byte[length], 0, length);
        }

        @Override
        public void fillReserved(byte[] head) {
            if (head.length != reserved) {
                throw new IllegalStateException("filled " + head.length + " of " + reserved + " reserved bytes");
            }
            byte[] all = bytes.toByteArray();
            System.arraycopy(head, 0, all, 0, head.length);
            bytes.reset();
            bytes.write(all, 0, all.length);
        }

        @Override
        public void finish() {
            finished = true;
        }

        @Override
        public void commit() {
            if (!finished) {
                throw new IllegalStateException("committed before finish");
            }
            if (name.equals(failCommitOf)) {
                throw new IllegalStateException("the store refused " + name);
            }
            files.put(name, bytes.toByteArray());
        }

        @Override
        public void discard() {
            discarded = true;
        }

        @Override
        public long bytes() {
            return bytes.size();
        }

        @Override
        public String path() {
            return "memory/" + name;
        }

        @Override
        public StagedFile handOver(long rows) {
            String blockId = name + "#" + staged.size();
            staged.put(blockId, bytes.toByteArray());
            return new StagedFile(
                    name,
                    rows,
                    bytes.size(),
                    md5().map(Md5::base64).orElse(null),
                    contentType,
                    contentEncoding,
                    List.of(blockId));
        }

        @Override
        public Optional<byte[]> md5() {
            if (reserved >= 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(MessageDigest.getInstance("MD5").digest(bytes.toByteArray()));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void verify() {
            if (!Arrays.equals(files.get(name), bytes.toByteArray())) {
                throw new IllegalStateException(name + " differs");
            }
        }

        @Override
        public void delete() {
            files.remove(name);
        }
    }
}
