package io.pgferry.sink.file;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;

import io.pgferry.contract.StagedFile;
import io.pgferry.sink.Chunk;
import io.pgferry.sink.Md5;

/**
 * A file written under a temporary name, synced to disk by {@link #finish()} and renamed atomically over its target by
 * {@link #commit()}: a reader sees the old file or the whole new one, never a part.
 */
final class FileChunk implements Chunk {
    private static final int BUFFER_SIZE = 1 << 20;

    private final Path target;
    private final Path temporary;
    private final Runnable beforeCommit;
    private final FileChannel channel;
    private final OutputStream out;
    private long bytes;
    private int reserved;
    private final Md5 md5 = new Md5();

    /**
     * @param beforeCommit checks, just before the rename, that the target's folder is still where it was (it throws
     *        when not)
     */
    FileChunk(Path target, Path temporary, Runnable beforeCommit) throws IOException {
        this.target = target;
        this.temporary = temporary;
        this.beforeCommit = beforeCommit;
        this.channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE);
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        try {
            out.write(source, offset, length);
            md5.update(source, offset, length);
            bytes += length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes zeros in place of the reserved bytes, which {@link #fillReserved} overwrites. */
    @Override
    public void reserve(int length) {
        write(new byte[length], 0, length);
        md5.unknowable();
        reserved = length;
    }

    @Override
    public void fillReserved(byte[] head) {
        if (head.length != reserved) {
            throw new IllegalArgumentException(head.length + " bytes for " + reserved + " reserved");
        }
        try {
            out.flush();
            ByteBuffer buffer = ByteBuffer.wrap(head);
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void finish() {
        try {
            out.flush();
            channel.force(false);
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void commit() {
        beforeCommit.run();
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public StagedFile handOver(long rows) {
        throw new UnsupportedOperationException("a file server's temporary file stays on the instance that wrote it");
    }

    @Override
    public Optional<byte[]> md5() {
        return md5.value();
    }

    /** Reads the file back: its size and, where known, its MD5. */
    @Override
    public void verify() {
        try {
            if (Files.size(target) != bytes) {
                throw new IllegalStateException(
                        target + " holds " + Files.size(target) + " bytes, not the " + bytes + " written");
            }
            Optional<byte[]> written = md5.value();
            if (written.isPresent()) {
                MessageDigest digest = Md5.newDigest();
                try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        digest.update(buffer, 0, n);
                    }
                }
                if (!Arrays.equals(written.get(), digest.digest())) {
                    throw new IllegalStateException(target + " has another MD5 than the bytes written");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void delete() {
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void discard() {
        try {
            out.close();
        } catch (IOException e) {
            // the file is deleted below either way
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public String path() {
        return target.toString();
    }
}
