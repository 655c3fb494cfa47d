package io.pgferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.WrittenFile;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.format.OutputFormat.FileEncoder;
import io.pgferry.format.OutputFormat.FileEncoding;
import io.pgferry.sink.RollingWriter;
import io.pgferry.source.postgres.Slice;
import io.pgferry.source.postgres.SnapshotFacts;
import io.pgferry.source.postgres.SourceColumn;

/**
 * {@link Publication} against a store in memory: every slice's files committed, checked when asked, the manifest last
 * and an earlier one removed first; when a step fails, nothing of the run stays visible.
 */
class PublicationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FileEncoding LINES = out -> new FileEncoder() {
        @Override
        public void row(byte[] row) throws java.io.IOException {
            out.write(row);
            out.write('\n');
        }

        @Override
        public void finish() {}
    };
    private static final Manifest.Read READ = new Manifest.Read(
            List.of(new SourceColumn("id", "int8", 0, 0)), new SnapshotFacts("10:10:", "0/16B3748"), Optional.empty());

    private final MemoryStore store = new MemoryStore();

    @Test
    void everySlicesFilesAreCommittedThenTheManifestLastAfterTheOldOneIsGone() throws Exception {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.of("_manifest.json"), false);
        store.files().put("shop/orders/_manifest.json", "old".getBytes(StandardCharsets.UTF_8));
        List<SliceResult> results = List.of(slice(job, 0, 3, 2), slice(job, 1, 1, 2));

        Publication.Published published = Publication.publish(job, results, READ, Instant.EPOCH);

        assertThat(store.log())
                .filteredOn(line -> !line.startsWith("create"))
                .containsExactly(
                        "deleteIfExists shop/orders/_manifest.json",
                        "commit shop/orders/orders_000_00000.csv",
                        "commit shop/orders/orders_000_00001.csv",
                        "commit shop/orders/orders_001_00000.csv",
                        "removeEarlierAttempts shop/orders",
                        "commit shop/orders/_manifest.json");
        assertThat(published.manifest()).isEqualTo("mem/shop/orders/_manifest.json");
        assertThat(published.files())
                .extracting(WrittenFile::path, WrittenFile::rows)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("mem/shop/orders/orders_000_00000.csv", 2L),
                        org.assertj.core.groups.Tuple.tuple("mem/shop/orders/orders_000_00001.csv", 1L),
                        org.assertj.core.groups.Tuple.tuple("mem/shop/orders/orders_001_00000.csv", 1L));
        JsonNode manifest = JSON.readTree(store.files().get("shop/orders/_manifest.json"));
        assertThat(manifest.at("/totals/rows").asLong()).isEqualTo(4);
        assertThat(manifest.at("/files/2/path").asText()).isEqualTo("mem/shop/orders/orders_001_00000.csv");
    }

    @Test
    void withoutAManifestThereIsNoneAndNoneIsRemoved() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.empty(), false);

        Publication.Published published = Publication.publish(job, List.of(slice(job, 0, 1, 10)), READ, Instant.EPOCH);

        assertThat(published.manifest()).isNull();
        assertThat(store.log()).noneMatch(line -> line.contains("manifest"));
        assertThat(store.files()).containsOnlyKeys("shop/orders/orders_000_00000.csv");
    }

    @Test
    void filesAnEarlierAttemptLeftAreRemovedUnlessWrittenAgain() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.empty(), false);
        store.files().put("shop/orders/orders_000_00000.csv", new byte[] {1});
        store.files().put("shop/orders/orders_000_00007.csv", new byte[] {2});
        store.earlierAttempt.add("shop/orders/orders_000_00000.csv");
        store.earlierAttempt.add("shop/orders/orders_000_00007.csv");

        Publication.publish(job, List.of(slice(job, 0, 1, 10)), READ, Instant.EPOCH);

        assertThat(store.files()).containsOnlyKeys("shop/orders/orders_000_00000.csv");
        assertThat(new String(store.files().get("shop/orders/orders_000_00000.csv"), StandardCharsets.UTF_8))
                .isEqualTo("row 1\n");
    }

    @Test
    void aCommitThatFailsInALaterSliceTakesBackTheEarlierSlicesFiles() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.of("_manifest.json"), false);
        List<SliceResult> results = List.of(slice(job, 0, 2, 1), slice(job, 1, 2, 1));
        store.refuseCommitOf.add("shop/orders/orders_001_00001.csv");

        assertThatThrownBy(() -> Publication.publish(job, results, READ, Instant.EPOCH))
                .isInstanceOfSatisfying(
                        CopyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SinkWriteFailed))
                .hasMessageContaining("refused shop/orders/orders_001_00001.csv");
        assertThat(store.files()).isEmpty();
    }

    @Test
    void aFileThatDiffersWhenVerifiedFailsTheCopyAndLeavesNothing() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.of("_manifest.json"), true);
        store.corrupt.add("shop/orders/orders_000_00001.csv");

        assertThatThrownBy(() -> Publication.publish(job, List.of(slice(job, 0, 3, 2)), READ, Instant.EPOCH))
                .isInstanceOfSatisfying(CopyException.class, e -> assertThat(e.code())
                        .isEqualTo(ErrorCode.DataConsistencyVerificationFailed))
                .hasMessageContaining(
                        "a committed file differs from what was written: mem/shop/orders/orders_000_00001.csv");
        assertThat(store.files()).isEmpty();
        assertThat(store.log()).noneMatch(line -> line.equals("commit shop/orders/_manifest.json"));
    }

    @Test
    void verifiedFilesAreCheckedBeforeTheManifest() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.of("_manifest.json"), true);

        Publication.publish(job, List.of(slice(job, 0, 2, 1)), READ, Instant.EPOCH);

        List<String> log = store.log();
        assertThat(log.indexOf("verify shop/orders/orders_000_00001.csv"))
                .isPositive()
                .isLessThan(log.indexOf("commit shop/orders/_manifest.json"));
    }

    @Test
    void aManifestThatCannotBeCommittedTakesBackEveryFile() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.of("_manifest.json"), false);
        store.refuseCommitOf.add("shop/orders/_manifest.json");

        assertThatThrownBy(() -> Publication.publish(job, List.of(slice(job, 0, 2, 1)), READ, Instant.EPOCH))
                .isInstanceOf(CopyException.class);
        assertThat(store.files()).isEmpty();
        assertThat(store.log()).contains("discard shop/orders/_manifest.json");
    }

    @Test
    void filesThatCannotBeTakenBackAreNamedInTheError() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.of("_manifest.json"), false);
        store.refuseCommitOf.add("shop/orders/_manifest.json");
        store.refuseDeleteOf.add("shop/orders/orders_000_00000.csv");

        assertThatThrownBy(() -> Publication.publish(job, List.of(slice(job, 0, 2, 1)), READ, Instant.EPOCH))
                .hasMessageEndingWith("could not all be removed again: mem/shop/orders/orders_000_00000.csv");
        assertThat(store.files()).containsOnlyKeys("shop/orders/orders_000_00000.csv");
    }

    /** A slice of {@code rows} rows written by its own writer (files numbered by slice), finished, not committed. */
    private SliceResult slice(CopyJob job, int index, int rows, long maxRowsPerFile) {
        io.pgferry.contract.FileNaming naming = new io.pgferry.contract.FileNaming(
                job.sink().naming().fileNamePrefix(),
                job.sink().naming().fileExtension(),
                java.util.OptionalLong.of(maxRowsPerFile),
                java.util.OptionalLong.empty());
        RollingWriter writer = new RollingWriter(
                store,
                job.sink().location(),
                naming,
                LINES,
                "text/csv",
                job.sink().compression(),
                OptionalInt.of(index));
        for (int i = 1; i <= rows; i++) {
            writer.row(("row " + i).getBytes(StandardCharsets.UTF_8));
        }
        writer.finish();
        return new SliceResult(new Slice(index, "SELECT 1", "all"), store, writer, rows, rows * 10L, -1, null);
    }
}
