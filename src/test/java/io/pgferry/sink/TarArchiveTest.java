package io.pgferry.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TarArchive} on a chunk in memory, read back by commons-compress's tar reader: the one member's name (ustar or
 * PAX), size and bytes, whole 512-byte records, the end-of-archive records, and TarGzip's two gzip members read as one
 * stream.
 */
class TarArchiveTest {
    private static final int RECORD = 512;

    private final MemorySink sink = new MemorySink();

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 511, 512, 513, 100_000})
    void theMemberHoldsEveryByteAndTheArchiveEndsWithTwoZeroRecords(int size) throws Exception {
        byte[] content = content(size);

        byte[] archive = archive("data_00000.csv", -1, content);

        assertThat(archive.length % RECORD).isZero();
        assertThat(Arrays.copyOfRange(archive, archive.length - 2 * RECORD, archive.length))
                .containsOnly(0);
        // One header record, the content padded to whole records, two zero records.
        assertThat(archive.length).isEqualTo(RECORD + (size + RECORD - 1) / RECORD * RECORD + 2 * RECORD);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry entry = tar.getNextEntry();
            assertThat(entry.getName()).isEqualTo("data_00000.csv");
            assertThat(entry.getSize()).isEqualTo(size);
            assertThat(entry.isFile()).isTrue();
            assertThat(tar.readAllBytes()).isEqualTo(content);
            assertThat(tar.getNextEntry()).isNull();
        }
    }

    @Test
    void aNameOfAtMostAHundredAsciiBytesIsAPlainUstarHeader() throws Exception {
        String name = "n".repeat(96) + ".csv";

        byte[] archive = archive(name, -1, content(10));

        assertThat(archive[156]).as("typeflag: a regular file").isEqualTo((byte) '0');
        assertThat(new String(archive, 257, 5, StandardCharsets.US_ASCII)).isEqualTo("ustar");
        assertThat(members(new ByteArrayInputStream(archive))).isEqualTo(name);
    }

    @Test
    void aLongOrNonAsciiNameTravelsInAPaxRecord() throws Exception {
        for (String name : new String[] {"x".repeat(101) + ".csv", "données 😀.csv", "tab\there.csv"}) {
            byte[] archive = archive(name, -1, content(700));

            assertThat(archive[156])
                    .as("typeflag of %s: a PAX header first", name)
                    .isEqualTo((byte) 'x');
            assertThat(members(new ByteArrayInputStream(archive))).isEqualTo(name);
        }
    }

    @Test
    void theModificationTimeIsWhenTheArchiveWasStarted() throws Exception {
        Instant before = Instant.now().minusSeconds(1);

        byte[] archive = archive("a.csv", -1, content(1));

        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            assertThat(tar.getNextEntry().getModTime().toInstant())
                    .isBetween(before, Instant.now().plusSeconds(1));
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 513, 200_000})
    void tarGzipIsOneGzipStreamOfTwoMembersHoldingTheSameArchive(int size) throws Exception {
        byte[] content = content(size);

        byte[] gzipped = archive("data_00000.csv", 6, content);

        assertThat(gzipped[0] & 0xFF).isEqualTo(0x1F);
        assertThat(gzipped[1] & 0xFF).isEqualTo(0x8B);
        assertThat(gzipMembers(gzipped)).as("the head, then the body").isEqualTo(2);
        byte[] archive = new GZIPInputStream(new ByteArrayInputStream(gzipped)).readAllBytes();
        assertThat(archive.length % RECORD).isZero();
        assertThat(Arrays.copyOfRange(archive, archive.length - 2 * RECORD, archive.length))
                .containsOnly(0);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
            TarArchiveEntry entry = tar.getNextEntry();
            assertThat(entry.getSize()).isEqualTo(size);
            assertThat(tar.readAllBytes()).isEqualTo(content);
            assertThat(tar.getNextEntry()).isNull();
        }
    }

    @Test
    void theHeadIsStagedAsTheReservedFirstBytesSoNoStreamedMd5Exists() throws Exception {
        Chunk chunk = sink.create("a.tar", "application/x-tar", null);
        try (TarArchive tar = new TarArchive(chunk, "a.csv", -1)) {
            assertThat(chunk.bytes()).as("the head reserved before any content").isEqualTo(RECORD);
            tar.write('x');
        }
        chunk.finish();

        assertThat(chunk.md5()).isEmpty();
        assertThat(chunk.bytes()).isEqualTo(4 * RECORD);
    }

    /** The one member's name, read by commons-compress. */
    private static String members(InputStream archive) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            String name = tar.getNextEntry().getName();
            assertThat(tar.getNextEntry()).isNull();
            return name;
        }
    }

    /** How many gzip members follow each other: each one read alone with its own inflater. */
    private static int gzipMembers(byte[] gzipped) throws IOException {
        int members = 0;
        int offset = 0;
        while (offset < gzipped.length) {
            // A member: 10-byte header, deflate blocks, 8-byte trailer (CRC-32 and size).
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            inflater.setInput(gzipped, offset + 10, gzipped.length - offset - 10);
            byte[] sink = new byte[64 * 1024];
            try {
                while (!inflater.finished()) {
                    inflater.inflate(sink);
                }
            } catch (java.util.zip.DataFormatException e) {
                throw new IOException(e);
            }
            offset = gzipped.length - inflater.getRemaining() + 8;
            inflater.end();
            members++;
        }
        return members;
    }

    private byte[] archive(String name, int gzipLevel, byte[] content) throws IOException {
        Chunk chunk = sink.create(name + ".tar", "application/x-tar", null);
        try (TarArchive tar = new TarArchive(chunk, name, gzipLevel)) {
            // Written in uneven pieces, and one byte alone.
            int half = content.length / 2;
            tar.write(content, 0, half);
            if (half < content.length) {
                tar.write(content[half]);
                tar.write(content, half + 1, content.length - half - 1);
            }
        }
        chunk.finish();
        chunk.commit();
        return sink.files().get(name + ".tar");
    }

    private static byte[] content(int size) {
        byte[] content = new byte[size];
        new Random(size).nextBytes(content);
        return content;
    }
}
