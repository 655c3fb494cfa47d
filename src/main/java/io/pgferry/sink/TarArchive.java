package io.pgferry.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncoding;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * A tar archive (Tar) or a gzipped one (TarGzip) holding one file, streamed. A tar header carries the size of the
 * file that follows, which a streamed copy knows only at its end: the chunk {@link Chunk#reserve reserves} the
 * archive's head, and closing this stream writes the file's padding and the archive's end, then fills the head in.
 * TarGzip's head is a gzip member of its own, stored uncompressed so that its length is known before the size is;
 * the body is a second member. Concatenated members are one gzip stream (RFC 1952 §2.2), which gzip, tar and the
 * gzip libraries read as one.
 *
 * <p>
 * Headers are POSIX ustar; a name longer than ustar's 100 bytes (or not ASCII) goes into a PAX {@code path} record,
 * and a size beyond ustar's 8 GiB is written in base-256, as GNU tar and libarchive do.
 */
final class TarArchive extends OutputStream {
    private static final int RECORD = TarConstants.DEFAULT_RCDSIZE;
    private static final ZipEncoding UTF_8 = ZipEncodingHelper.getZipEncoding("UTF-8");

    private final Chunk chunk;
    private final String name;
    private final boolean gzip;
    private final Instant modified = Instant.now();
    private final OutputStream body;
    private long size;

    /**
     * @param name the one file's name in the archive
     * @param gzipLevel the body's zlib level for TarGzip; negative for Tar
     */
    TarArchive(Chunk chunk, String name, int gzipLevel) throws IOException {
        this.chunk = chunk;
        this.name = name;
        this.gzip = gzipLevel >= 0;
        chunk.reserve(head(0).length);
        OutputStream raw = new ChunkOutputStream(chunk);
        body = gzip
                ? new GZIPOutputStream(raw, 64 * 1024) {
                    {
                        def.setLevel(gzipLevel);
                    }
                }
                : raw;
    }

    @Override
    public void write(int b) throws IOException {
        body.write(b);
        size++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        body.write(bytes, offset, length);
        size += length;
    }

    /** Pads the file to whole records, ends the archive with two zero records, then writes the head. */
    @Override
    public void close() throws IOException {
        body.write(new byte[(int) ((RECORD - size % RECORD) % RECORD) + 2 * RECORD]);
        body.close();
        chunk.fillReserved(head(size));
    }

    /** The archive's head for a file of {@code size} bytes; its length does not depend on the size. */
    private byte[] head(long size) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        boolean plainName =
                name.length() <= TarConstants.NAMELEN && name.chars().allMatch(c -> c > 31 && c < 127);
        if (!plainName) {
            byte[] record = paxRecord("path", name);
            TarArchiveEntry pax = new TarArchiveEntry("././@PaxHeader", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            pax.setSize(record.length);
            pax.setModTime(modified.toEpochMilli());
            head.write(header(pax));
            head.write(record);
            head.write(new byte[(RECORD - record.length % RECORD) % RECORD]);
        }
        String ustarName = plainName ? name : name.replaceAll("[^ -~]", "_");
        TarArchiveEntry entry =
                new TarArchiveEntry(ustarName.substring(0, Math.min(ustarName.length(), TarConstants.NAMELEN)));
        entry.setSize(size);
        entry.setModTime(modified.toEpochMilli());
        head.write(header(entry));
        return gzip ? stored(head.toByteArray()) : head.toByteArray();
    }

    private static byte[] header(TarArchiveEntry entry) {
        byte[] header = new byte[RECORD];
        try {
            entry.writeEntryHeader(header, UTF_8, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return header;
    }

    /** A PAX extended-header record, {@code "<length> <key>=<value>\n"}, its length counting its own digits. */
    private static byte[] paxRecord(String key, String value) {
        int rest = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = rest + 1;
        while (Integer.toString(length).length() + rest != length) {
            length = Integer.toString(length).length() + rest;
        }
        return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code bytes} as a gzip member of stored (uncompressed) deflate blocks: its length depends on theirs only. */
    private static byte[] stored(byte[] bytes) throws IOException {
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(member) {
            {
                def.setLevel(0);
            }
        }) {
            out.write(bytes);
        }
        return member.toByteArray();
    }
}
