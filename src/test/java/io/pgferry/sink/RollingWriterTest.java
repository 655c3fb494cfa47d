package io.pgferry.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pgferry.contract.Compression;
import io.pgferry.contract.FileLocation;
import io.pgferry.contract.FileNaming;
import io.pgferry.contract.StagedFile;
import io.pgferry.contract.WrittenFile;
import io.pgferry.format.OutputFormat.FileEncoder;
import io.pgferry.format.OutputFormat.FileEncoding;
import io.pgferry.testing.Gen;

/** {@link RollingWriter} against a store in memory: splitting, names, all-or-nothing commit, compression and tar. */
class RollingWriterTest {
    /** A header line, then each row on its own line. */
    private static final FileEncoding LINES = out -> {
        out.write("header\n".getBytes(StandardCharsets.UTF_8));
        return new FileEncoder() {
            @Override
            public void row(byte[] row) throws IOException {
                out.write(row);
                out.write('\n');
            }

            @Override
            public void finish() {}
        };
    };

    private final MemorySink sink = new MemorySink();

    @TempDir
    Path temp;

    @Test
    void rowsSplitAtMaxRowsPerFileIntoChunksNamedAsAdfNamesThem() {
        RollingWriter writer = writer(naming(2, 0), Compression.NONE, OptionalInt.empty());
        rows(writer, 5);
        writer.finish();

        assertThat(sink.files()).as("nothing visible before the commit").isEmpty();
        List<WrittenFile> written = writer.commit();

        assertThat(written)
                .extracting(WrittenFile::path, WrittenFile::rows)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("memory/out/data_00000.csv", 2L),
                        org.assertj.core.groups.Tuple.tuple("memory/out/data_00001.csv", 2L),
                        org.assertj.core.groups.Tuple.tuple("memory/out/data_00002.csv", 1L));
        assertThat(text(sink.files().get("out/data_00002.csv"))).isEqualTo("header\nrow 5\n");
        assertThat(writer.committedNames())
                .containsExactly("out/data_00000.csv", "out/data_00001.csv", "out/data_00002.csv");
    }

    @Test
    void filesHandedOverAreCommittedByAnotherInstanceAsTheWriterWouldHaveCommittedThem() {
        RollingWriter writer = writer(naming(2, 0), Compression.NONE, OptionalInt.of(3));
        rows(writer, 5);
        writer.finish();
        List<StagedFile> handed = writer.handOver();

        MemorySink planner = sink.sharing();
        RollingWriter adopted = RollingWriter.adopted(planner, handed);
        assertThat(sink.files()).as("visible before the planner commits").isEmpty();
        List<WrittenFile> written = adopted.commit();
        adopted.verify();

        assertThat(handed)
                .extracting(StagedFile::name, StagedFile::rows, StagedFile::bytes)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("out/data_003_00000.csv", 2L, 19L),
                        org.assertj.core.groups.Tuple.tuple("out/data_003_00001.csv", 2L, 19L),
                        org.assertj.core.groups.Tuple.tuple("out/data_003_00002.csv", 1L, 13L));
        assertThat(written).extracting(WrittenFile::rows).containsExactly(2L, 2L, 1L);
        assertThat(written).extracting(WrittenFile::md5).doesNotContainNull();
        assertThat(adopted.committedNames())
                .containsExactlyElementsOf(handed.stream().map(StagedFile::name).toList());
        assertThat(text(sink.files().get("out/data_003_00002.csv"))).isEqualTo("header\nrow 5\n");
    }

    @Test
    void aFileEndsWithTheRowThatReachesMaxBytesPerFile() {
        // "header\n" is 7 bytes, each "row n\n" 6: the second row takes a file to 19 bytes, past 15.
        RollingWriter writer = writer(naming(0, 15), Compression.NONE, OptionalInt.empty());
        rows(writer, 5);
        writer.finish();

        assertThat(writer.commit()).extracting(WrittenFile::rows).containsExactly(2L, 2L, 1L);
    }

    @Test
    void aSliceNumbersEveryFileItWrites() {
        RollingWriter writer = writer(naming(0, 0), Compression.NONE, OptionalInt.of(3));
        rows(writer, 1);
        writer.finish();
        writer.commit();

        assertThat(sink.files()).containsOnlyKeys("out/data_003_00000.csv");
    }

    @Test
    void withoutASplitTheDatasetsFileNameIsUsed() {
        RollingWriter writer = new RollingWriter(
                sink,
                new FileLocation("out", Optional.of("orders.csv"), "/pointer"),
                naming(0, 0),
                LINES,
                "text/csv",
                Compression.NONE,
                OptionalInt.empty());
        rows(writer, 2);
        writer.finish();
        writer.commit();

        assertThat(sink.files()).containsOnlyKeys("out/orders.csv");
    }

    @Test
    void aCopyWithoutRowsStillLeavesOneFile() {
        RollingWriter writer = writer(naming(0, 0), Compression.NONE, OptionalInt.empty());
        writer.finish();
        writer.ensureFile();

        assertThat(writer.commit()).extracting(WrittenFile::rows).containsExactly(0L);
        assertThat(text(sink.files().get("out/data_00000.csv"))).isEqualTo("header\n");
    }

    @Test
    void aCommitThatFailsPartWayTakesBackWhatItCommitted() {
        RollingWriter writer = writer(naming(1, 0), Compression.NONE, OptionalInt.empty());
        rows(writer, 3);
        writer.finish();
        sink.failCommitOf("out/data_00001.csv");

        assertThatThrownBy(writer::commit).hasMessageContaining("refused");
        assertThat(sink.files()).isEmpty();
        assertThat(writer.committedNames()).isEmpty();
    }

    @Test
    void discardDropsEveryChunkIncludingTheOneBeingWritten() {
        RollingWriter writer = writer(naming(2, 0), Compression.NONE, OptionalInt.empty());
        rows(writer, 3);
        writer.discard();

        assertThat(sink.created()).hasSize(2).allMatch(chunk -> chunk.discarded);
        assertThat(sink.files()).isEmpty();
    }

    @Test
    void uncommitRemovesCommittedFiles() {
        RollingWriter writer = writer(naming(1, 0), Compression.NONE, OptionalInt.empty());
        rows(writer, 2);
        writer.finish();
        writer.commit();
        writer.verify();

        assertThat(writer.uncommit()).isEmpty();
        assertThat(sink.files()).isEmpty();
    }

    @Test
    void gzipChunksAreNamedEncodedAndHashedAsStored() throws Exception {
        RollingWriter writer =
                writer(naming(".csv.gz"), new Compression(Compression.Codec.GZIP, 6), OptionalInt.empty());
        rows(writer, 3);
        writer.finish();
        WrittenFile file = writer.commit().get(0);

        byte[] stored = sink.files().get("out/data_00000.csv.gz");
        assertThat(sink.created().get(0).contentEncoding).isEqualTo("gzip");
        assertThat(text(new GZIPInputStream(new ByteArrayInputStream(stored)).readAllBytes()))
                .isEqualTo("header\nrow 1\nrow 2\nrow 3\n");
        assertThat(file.md5())
                .isEqualTo(Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("MD5").digest(stored)));
        assertThat(file.bytes()).isEqualTo(stored.length);
    }

    @Test
    void aTarChunkHoldsTheOneFileAsTarReadsIt() throws Exception {
        RollingWriter writer =
                writer(naming(".csv.tar"), new Compression(Compression.Codec.TAR, 0), OptionalInt.empty());
        rows(writer, 1000);
        writer.finish();
        WrittenFile file = writer.commit().get(0);

        Path archive = temp.resolve("a.tar");
        Files.write(archive, sink.files().get("out/data_00000.csv.tar"));
        assertThat(file.md5())
                .as("a tar's head is written last: no streamed MD5")
                .isNull();
        assertThat(run("tar", "-tf", archive.toString())).isEqualTo("data_00000.csv\n");
        assertThat(run("tar", "-xOf", archive.toString()))
                .startsWith("header\nrow 1\n")
                .endsWith("row 1000\n");
    }

    @Test
    void aTarGzipChunkWithALongNameIsReadByTarAsOneStream() throws Exception {
        FileNaming longName =
                new FileNaming("x".repeat(120), ".csv.tar.gz", OptionalLong.empty(), OptionalLong.empty());
        RollingWriter writer = writer(longName, new Compression(Compression.Codec.TAR_GZIP, 6), OptionalInt.empty());
        rows(writer, 10);
        writer.finish();
        writer.commit();

        Path archive = temp.resolve("a.tar.gz");
        Files.write(archive, sink.files().values().iterator().next());
        assertThat(run("tar", "-tzf", archive.toString())).isEqualTo("x".repeat(120) + "_00000.csv\n");
        assertThat(run("tar", "-xzOf", archive.toString())).endsWith("row 9\nrow 10\n");
    }

    @Test
    void anyRowsSplitIntoConsecutiveFilesOfAtMostMaxRowsInOrder() {
        Gen<String> rowText = Gen.strings().withChars("ab,\"é日\n").ofMaxLength(8);
        for (int attempt = 0; attempt < 200; attempt++) {
            Random random = new Random(20261204L + attempt);
            int count = random.nextInt(60);
            int maxRows = 1 + random.nextInt(12);
            MemorySink store = new MemorySink();
            RollingWriter writer = new RollingWriter(
                    store,
                    new FileLocation("a/b", Optional.empty(), "/pointer"),
                    naming(maxRows, 0),
                    LINES,
                    "text/csv",
                    Compression.NONE,
                    OptionalInt.empty());
            List<String> rows = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                rows.add(i + ":" + rowText.next(random));
                writer.row(rows.get(i).getBytes(StandardCharsets.UTF_8));
            }
            writer.finish();
            writer.ensureFile();

            List<WrittenFile> files = writer.commit();

            int expectedFiles = Math.max(1, (count + maxRows - 1) / maxRows);
            assertThat(files)
                    .as("attempt %d: %d rows by %d", attempt, count, maxRows)
                    .hasSize(expectedFiles);
            List<String> names = new ArrayList<>();
            StringBuilder all = new StringBuilder();
            for (int f = 0; f < files.size(); f++) {
                String name = String.format("a/b/data_%05d.csv", f);
                names.add(name);
                String text = text(store.files().get(name));
                assertThat(text).startsWith("header\n");
                all.append(text.substring("header\n".length()));
                long expectedRows = f < files.size() - 1 ? maxRows : count - (long) maxRows * (files.size() - 1);
                assertThat(files.get(f).rows()).isEqualTo(expectedRows);
                assertThat(files.get(f).path()).isEqualTo("memory/" + name);
                assertThat(files.get(f).bytes()).isEqualTo(store.files().get(name).length);
            }
            assertThat(store.files().keySet()).containsExactlyElementsOf(names);
            assertThat(writer.committedNames()).containsExactlyElementsOf(names);
            assertThat(all.toString()).isEqualTo(rows.isEmpty() ? "" : String.join("\n", rows) + "\n");
        }
    }

    @Test
    void whicheverLimitIsReachedFirstEndsTheFile() {
        // "header\n" 7 bytes, each "row n\n" 6: 20 bytes hold 2 rows (19), 3 rows would be 25.
        RollingWriter writer = writer(naming(3, 20), Compression.NONE, OptionalInt.empty());
        rows(writer, 7);
        writer.finish();

        assertThat(writer.commit()).extracting(WrittenFile::rows).containsExactly(3L, 3L, 1L);
        RollingWriter bySize = new RollingWriter(
                sink,
                new FileLocation("size", Optional.empty(), "/p"),
                naming(10, 19),
                LINES,
                "text/csv",
                Compression.NONE,
                OptionalInt.empty());
        rows(bySize, 7);
        bySize.finish();
        assertThat(bySize.commit()).extracting(WrittenFile::rows).containsExactly(2L, 2L, 2L, 1L);
    }

    @Test
    void aSlicesFilesAreNumberedWithinTheSlice() {
        RollingWriter writer = writer(naming(2, 0), Compression.NONE, OptionalInt.of(12));
        rows(writer, 5);
        writer.finish();
        writer.commit();

        assertThat(sink.files())
                .containsOnlyKeys("out/data_012_00000.csv", "out/data_012_00001.csv", "out/data_012_00002.csv");
    }

    @Test
    void withoutAFolderFilesSitAtTheRoot() {
        RollingWriter writer = new RollingWriter(
                sink,
                new FileLocation("", Optional.empty(), "/pointer"),
                naming(1, 0),
                LINES,
                "text/csv",
                Compression.NONE,
                OptionalInt.empty());
        rows(writer, 2);
        writer.finish();

        assertThat(writer.commit())
                .extracting(WrittenFile::path)
                .containsExactly("memory/data_00000.csv", "memory/data_00001.csv");
    }

    @Test
    void theDatasetsFileNameGivesWayToNumberedNamesWhenTheOutputSplits() {
        RollingWriter writer = new RollingWriter(
                sink,
                new FileLocation("out", Optional.of("orders.csv"), "/pointer"),
                naming(2, 0),
                LINES,
                "text/csv",
                Compression.NONE,
                OptionalInt.empty());
        rows(writer, 3);
        writer.finish();
        writer.commit();

        assertThat(sink.files()).containsOnlyKeys("out/data_00000.csv", "out/data_00001.csv");
    }

    @Test
    void eachChunkIsCreatedWithTheCodecsContentTypeOrElseTheFormatsAndItsEncoding() {
        Map<Compression.Codec, String> types = new java.util.LinkedHashMap<>();
        Map<Compression.Codec, String> encodings = new java.util.LinkedHashMap<>();
        for (Compression.Codec codec : Compression.Codec.values()) {
            MemorySink store = new MemorySink();
            RollingWriter writer = new RollingWriter(
                    store,
                    new FileLocation("out", Optional.empty(), "/pointer"),
                    naming(".csv" + codec.fileSuffix()),
                    LINES,
                    "text/csv",
                    new Compression(codec, 1),
                    OptionalInt.empty());
            rows(writer, 1);
            writer.finish();
            types.put(codec, store.created().get(0).contentType);
            encodings.put(codec, store.created().get(0).contentEncoding);
        }

        assertThat(types)
                .containsExactly(
                        Map.entry(Compression.Codec.NONE, "text/csv"),
                        Map.entry(Compression.Codec.GZIP, "text/csv"),
                        Map.entry(Compression.Codec.DEFLATE, "text/csv"),
                        Map.entry(Compression.Codec.BZIP2, "application/x-bzip2"),
                        Map.entry(Compression.Codec.ZIP_DEFLATE, "application/zip"),
                        Map.entry(Compression.Codec.TAR, "application/x-tar"),
                        Map.entry(Compression.Codec.TAR_GZIP, "application/gzip"));
        assertThat(encodings.get(Compression.Codec.GZIP)).isEqualTo("gzip");
        assertThat(encodings.get(Compression.Codec.DEFLATE)).isEqualTo("deflate");
        assertThat(encodings.get(Compression.Codec.ZIP_DEFLATE)).isNull();
    }

    @Test
    void aZipChunksEntryIsTheChunksNameWithoutZip() throws Exception {
        RollingWriter writer = writer(
                new FileNaming("data", ".csv.zip", OptionalLong.of(2), OptionalLong.empty()),
                new Compression(Compression.Codec.ZIP_DEFLATE, 6),
                OptionalInt.empty());
        rows(writer, 3);
        writer.finish();
        writer.commit();

        try (ZipInputStream zip =
                new ZipInputStream(new ByteArrayInputStream(sink.files().get("out/data_00001.csv.zip")))) {
            assertThat(zip.getNextEntry().getName()).isEqualTo("data_00001.csv");
            assertThat(text(zip.readAllBytes())).isEqualTo("header\nrow 3\n");
        }
    }

    @Test
    void everyCommittedFileCarriesTheMd5OfItsStoredBytes() throws Exception {
        RollingWriter writer = writer(naming(2, 0), new Compression(Compression.Codec.BZIP2, 9), OptionalInt.empty());
        rows(writer, 5);
        writer.finish();

        for (WrittenFile file : writer.commit()) {
            byte[] stored = sink.files().get(file.path().substring("memory/".length()));
            assertThat(file.md5())
                    .isEqualTo(Base64.getEncoder()
                            .encodeToString(MessageDigest.getInstance("MD5").digest(stored)));
        }
    }

    @Test
    void ensureFileAddsNothingOnceThereAreFiles() {
        RollingWriter writer = writer(naming(2, 0), Compression.NONE, OptionalInt.empty());
        rows(writer, 2);
        writer.finish();
        writer.ensureFile();

        assertThat(writer.commit()).extracting(WrittenFile::rows).containsExactly(2L);
    }

    private RollingWriter writer(FileNaming naming, Compression compression, OptionalInt slice) {
        return new RollingWriter(
                sink,
                new FileLocation("out", Optional.empty(), "/pointer"),
                naming,
                LINES,
                "text/csv",
                compression,
                slice);
    }

    private static FileNaming naming(long maxRows, long maxBytes) {
        return new FileNaming(
                "data",
                ".csv",
                maxRows > 0 ? OptionalLong.of(maxRows) : OptionalLong.empty(),
                maxBytes > 0 ? OptionalLong.of(maxBytes) : OptionalLong.empty());
    }

    /** One file, named with the compression's suffix as the payload reader names it. */
    private static FileNaming naming(String extension) {
        return new FileNaming("data", extension, OptionalLong.empty(), OptionalLong.empty());
    }

    private static void rows(RollingWriter writer, int count) {
        for (int i = 1; i <= count; i++) {
            writer.row(("row " + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = text(process.getInputStream().readAllBytes());
        assertThat(process.waitFor())
                .as("%s: %s", String.join(" ", command), output)
                .isZero();
        return output;
    }
}
