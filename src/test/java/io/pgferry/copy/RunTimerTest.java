package io.pgferry.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.WrittenFile;
import io.pgferry.source.postgres.Slice;

/** The ADF-shaped statistics of a copy from its slices' results and published files, and where it says it ran. */
class RunTimerTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theEffectiveRuntimeNamesTheFunctionAppAndItsRegionOrLocal() {
        assertThat(RunTimer.effectiveRuntime(null, null)).isEqualTo("pgferry (local)");
        assertThat(RunTimer.effectiveRuntime("  ", "West Europe")).isEqualTo("pgferry (local, West Europe)");
        assertThat(RunTimer.effectiveRuntime(" pgferry-prod ", " West Europe "))
                .isEqualTo("pgferry (pgferry-prod, West Europe)");
        assertThat(RunTimer.effectiveRuntime("pgferry-prod", "")).isEqualTo("pgferry (pgferry-prod)");
        assertThat(RunTimer.effectiveRuntime("pgferry-prod", null)).isEqualTo("pgferry (pgferry-prod)");
    }

    @Test
    void statisticsAddUpTheSlicesAndTheFiles() {
        CopyJob job = CopyJobs.sample();
        long start = System.nanoTime() - 10 * SECOND;
        RunTimer timer = new RunTimer(Instant.parse("2026-12-01T10:00:00.1234567Z"), start);
        timer.readDone();
        List<SliceResult> results = List.of(
                new SliceResult(
                        new Slice(0, "SELECT 1", "pages 0-9"), null, null, 700, 70_000, start + 3 * SECOND, null),
                new SliceResult(
                        new Slice(1, "SELECT 1", "pages 10+"), null, null, 300, 30_000, start + 2 * SECOND, null));
        List<WrittenFile> files = List.of(
                new WrittenFile("exports/a_000_00000.csv", 700, 50_000, "bWQ1"),
                new WrittenFile("exports/a_001_00000.csv", 300, 20_000, null));

        RunStatistics statistics = timer.statistics(
                "run-7",
                results,
                new Publication.Published(files, "exports/_manifest.json"),
                job,
                Optional.empty(),
                Optional.empty());

        assertThat(statistics.rowsRead()).isEqualTo(1000);
        assertThat(statistics.rowsCopied()).isEqualTo(1000);
        assertThat(statistics.dataRead()).isEqualTo(100_000);
        assertThat(statistics.dataWritten()).isEqualTo(70_000);
        assertThat(statistics.filesWritten()).isEqualTo(2);
        assertThat(statistics.sourcePeakConnections()).isEqualTo(2);
        assertThat(statistics.usedParallelCopies()).isEqualTo(2);
        assertThat(statistics.sinkPeakConnections())
                .isEqualTo(2 * job.sink().blocks().maxConcurrentConnections());
        assertThat(statistics.copyDuration()).isEqualTo(10);
        assertThat(statistics.throughput()).isCloseTo(100_000 / 1024.0 / 10, within(0.05));
        assertThat(statistics.runId()).isEqualTo("run-7");
        assertThat(statistics.manifest()).isEqualTo("exports/_manifest.json");
        assertThat(statistics.files()).isEqualTo(files);
        assertThat(statistics.slices())
                .containsExactly(
                        new RunStatistics.Slice(0, "pages 0-9", 700, 70_000),
                        new RunStatistics.Slice(1, "pages 10+", 300, 30_000));
        assertThat(statistics.dataConsistencyVerification()).containsEntry("VerificationResult", "NotVerified");
        assertThat(statistics.watermark()).isNull();
        assertThat(statistics.errors()).isEmpty();
        RunStatistics.ExecutionDetail detail = statistics.executionDetails().get(0);
        assertThat(detail.start()).isEqualTo("2026-12-01T10:00:00.1234567Z");
        assertThat(detail.source().type()).isEqualTo("PostgreSql");
        assertThat(detail.sink().type()).isEqualTo(job.sink().destination().type());
        assertThat(detail.detailedDurations().timeToFirstByte())
                .as("the first slice's first row")
                .isEqualTo(2);
        assertThat(detail.profile().transfer().details().readingFromSource().workingDuration())
                .isEqualTo(10);
    }

    @Test
    void withoutAnyRowTheFirstByteIsWhenReadingEnded() {
        CopyJob job = CopyJobs.withManifest(CopyJobs.sample(), Optional.empty(), true);
        long start = System.nanoTime() - 4 * SECOND;
        RunTimer timer = new RunTimer(Instant.EPOCH, start);
        timer.readDone();

        RunStatistics statistics = timer.statistics(
                "run-8",
                List.of(new SliceResult(new Slice(0, "SELECT 1", "all"), null, null, 0, 12, -1, null)),
                new Publication.Published(List.of(new WrittenFile("exports/a.csv", 0, 0, null)), null),
                job,
                Optional.empty(),
                Optional.empty());

        assertThat(statistics.executionDetails().get(0).detailedDurations().timeToFirstByte())
                .isEqualTo(4);
        assertThat(statistics.dataConsistencyVerification()).containsEntry("VerificationResult", "Verified");
        assertThat(statistics.executionDetails().get(0).start()).isEqualTo("1970-01-01T00:00:00.0000000Z");
        assertThat(statistics.manifest()).isNull();
    }

    @Test
    void theStatisticsNameNoSecretOfTheSourceOrTheSink() throws Exception {
        CopyJob job = CopyJobs.sample();
        RunTimer timer = new RunTimer(Instant.EPOCH, System.nanoTime());
        timer.readDone();

        String json = new ObjectMapper()
                .writeValueAsString(timer.statistics(
                        "run-7",
                        List.of(new SliceResult(
                                new Slice(0, job.source().selectSql(), "all"), null, null, 1, 1, -1, null)),
                        new Publication.Published(List.of(), null),
                        job,
                        Optional.empty(),
                        Optional.empty()));

        assertThat(json)
                .contains("\"runId\":\"run-7\"")
                .doesNotContain("pgferry-sample", "Eby8vdM02", "AccountKey", "Password", "SELECT");
    }
}
