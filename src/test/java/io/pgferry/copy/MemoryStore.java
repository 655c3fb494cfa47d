package io.pgferry.copy;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.pgferry.contract.StagedFile;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.ChunkSink;

/**
 * A store in memory for the copy's unit tests: committed files are visible in {@link #files()}, every call is logged
 * in {@link #log()} in order, and a commit, a delete or the stored bytes of a file can be made to go wrong.
 */
final class MemoryStore implements ChunkSink {
    private final Map<String, byte[]> files = new TreeMap<>();
    private final List<String> log = new ArrayList<>();
    /** Files an earlier attempt of this run committed: {@link #removeEarlierAttempts} removes those not rewritten. */
    final Set<String> earlierAttempt = new HashSet<>();

    final Set<String> refuseCommitOf = new HashSet<>();
    final Set<String> refuseDeleteOf = new HashSet<>();
    /** Files whose stored bytes differ from what was written (a store that lost a block). */
    final Set<String> corrupt = new HashSet<>();

    Map<String, byte[]> files() {
        return files;
    }

    List<String> log() {
        return log;
    }

    @Override
    public Chunk create(String name, String contentType, String contentEncoding) {
        log.add("create " + name);
        return new MemoryChunk(name);
    }

    @Override
    public Chunk adopt(StagedFile file) {
        throw new UnsupportedOperationException("in memory only");
    }

    @Override
    public void deleteIfExists(String name) {
        log.add("deleteIfExists " + name);
        files.remove(name);
    }

    @Override
    public void removeEarlierAttempts(String folder, Set<String> written) {
        log.add("removeEarlierAttempts " + folder);
        for (String name : earlierAttempt) {
            if (!written.contains(name)) {
                files.remove(name);
            }
        }
    }

    @Override
    public CopyException translate(RuntimeException failure) {
        return failure instanceof CopyException copy
                ? copy
                : CopyException.of(
                        ErrorCode.SinkWriteFailed, "the memory store failed: " + failure.getMessage(), failure);
    }

    @Override
    public void close() {
        log.add("close");
    }

    private final class MemoryChunk implements Chunk {
        private final String name;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean finished;

        MemoryChunk(String name) {
            this.name = name;
        }

        @Override
        public void write(byte[] data, int offset, int length) {
            bytes.write(data, offset, length);
        }

        @Override
        public void reserve(int length) {
            throw new UnsupportedOperationException("no archives here");
        }

        @Override
        public void fillReserved(byte[] head) {
            throw new UnsupportedOperationException("no archives here");
        }

        @Override
        public void finish() {
            finished = true;
        }

        @Override
        public void commit() {
            if (!finished) {
                throw new IllegalStateException(name + " committed before finish");
            }
            if (refuseCommitOf.contains(name)) {
                throw new IllegalStateException("refused " + name);
            }
            log.add("commit " + name);
            byte[] stored = bytes.toByteArray();
            if (corrupt.contains(name)) {
                stored = Arrays.copyOf(stored, stored.length + 1);
            }
            files.put(name, stored);
        }

        @Override
        public void discard() {
            log.add("discard " + name);
        }

        @Override
        public long bytes() {
            return bytes.size();
        }

        @Override
        public String path() {
            return "mem/" + name;
        }

        @Override
        public StagedFile handOver(long rows) {
            throw new UnsupportedOperationException("in memory only");
        }

        @Override
        public Optional<byte[]> md5() {
            try {
                return Optional.of(MessageDigest.getInstance("MD5").digest(bytes.toByteArray()));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void verify() {
            log.add("verify " + name);
            byte[] stored = files.get(name);
            if (stored == null || stored.length != bytes.size()) {
                throw new IllegalStateException(
                        path() + " holds " + (stored == null ? "nothing" : stored.length + " bytes"));
            }
        }

        @Override
        public void delete() {
            if (refuseDeleteOf.contains(name)) {
                throw new IllegalStateException("cannot delete " + name);
            }
            log.add("delete " + name);
            files.remove(name);
        }
    }
}
