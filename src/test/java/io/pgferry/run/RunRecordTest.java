package io.pgferry.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.WrittenFile;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.ErrorResponse;

/** A run record's life (started, progress, canceling, failed) and its JSON as the run store keeps it. */
class RunRecordTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final ObjectMapper JSON =
            new ObjectMapper().findAndRegisterModules().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    @Test
    void aStartedRunIsInProgressWithNoRowsAndAnUnknownShare() {
        RunRecord record = RunRecord.started("run-1", "http", "CopyOrders", T0);

        assertThat(record.status()).isEqualTo(RunStatus.InProgress);
        assertThat(record.status().finished()).isFalse();
        assertThat(record.rowsCopied()).isZero();
        assertThat(record.percent()).isEqualTo(-1);
        assertThat(record.startedAt()).isEqualTo(record.updatedAt());
    }

    @Test
    void progressKeepsTheStartAndNeverClaimsAHundredPercentBeforeTheEnd() {
        RunRecord record = RunRecord.started("run-1", "http", "CopyOrders", T0).progress(500, 1000, T0.plusSeconds(10));

        assertThat(record.percent()).isEqualTo(50);
        assertThat(record.startedAt()).isEqualTo(T0);
        assertThat(record.updatedAt()).isEqualTo(T0.plusSeconds(10));
        // The estimate is PostgreSQL's statistics: the copy may pass it.
        assertThat(record.progress(1500, 1000, T0.plusSeconds(20)).percent()).isEqualTo(99);
    }

    @Test
    void cancelingKeepsTheProgressAndFailingKeepsTheErrorAndItsStatus() {
        RunRecord running =
                RunRecord.started("run-1", "queue", "CopyOrders", T0).progress(7, 10, T0);
        RunRecord canceling = running.canceling(T0.plusSeconds(1));
        ErrorResponse error = ErrorCode.RunCancelled.response("the copy was cancelled; nothing was written");
        RunRecord cancelled = canceling.failed(RunStatus.Cancelled, error, 400, T0.plusSeconds(2));

        assertThat(canceling.status()).isEqualTo(RunStatus.Canceling);
        assertThat(canceling.rowsCopied()).isEqualTo(7);
        assertThat(cancelled.status().finished()).isTrue();
        assertThat(cancelled.error().errorCode()).isEqualTo("RunCancelled");
        assertThat(cancelled.httpStatus()).isEqualTo(400);
        assertThat(cancelled.output()).isNull();
    }

    @Test
    void theJsonRoundTripsWithTimesAsIsoText() throws Exception {
        RunRecord record = RunRecord.started("run-1", "eventgrid", "CopyOrders", T0)
                .failed(RunStatus.Failed, ErrorCode.SourceUnreachable.response("no route"), 502, T0.plusSeconds(3));

        String json = JSON.writeValueAsString(record);

        assertThat(json).contains("\"startedAt\":\"2026-12-01T10:00:00Z\"", "\"status\":\"Failed\"");
        RunRecord read = JSON.readValue(json, RunRecord.class);
        assertThat(read).isEqualTo(record);
    }

    @Test
    void onlySucceededFailedAndCancelledAreFinished() {
        assertThat(List.of(RunStatus.values()))
                .filteredOn(RunStatus::finished)
                .containsExactlyInAnyOrder(RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled);
    }

    @Test
    void aSucceededRunTakesItsRowsFromTheStatisticsAndIsAHundredPercent() {
        RunRecord record = RunRecord.started("run-1", "http", "CopyOrders", T0)
                .progress(900, 0, T0.plusSeconds(1))
                .succeeded(statistics(1234), T0.plusSeconds(5));

        assertThat(record.status()).isEqualTo(RunStatus.Succeeded);
        assertThat(record.rowsCopied()).isEqualTo(1234);
        assertThat(record.percent()).isEqualTo(100);
        assertThat(record.output().files()).hasSize(1);
        assertThat(record.error()).isNull();
        assertThat(record.httpStatus()).isZero();
        assertThat(record.startedAt()).isEqualTo(T0);
        assertThat(record.updatedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void theShareIsUnknownWithoutAnEstimateAndRoundsDown() {
        RunRecord started = RunRecord.started("run-1", "http", "CopyOrders", T0);

        assertThat(started.progress(10, 0, T0).percent()).isEqualTo(-1);
        assertThat(started.progress(10, -1, T0).percent()).isEqualTo(-1);
        assertThat(started.progress(0, 1000, T0).percent()).isZero();
        assertThat(started.progress(999, 1000, T0).percent()).isEqualTo(99);
        assertThat(started.progress(1, 3, T0).percent()).isEqualTo(33);
    }

    @Test
    void aHeartbeatWhileCancelingKeepsTheRunCanceling() {
        RunRecord canceling =
                RunRecord.started("run-1", "http", "CopyOrders", T0).canceling(T0.plusSeconds(1));

        RunRecord beat = canceling.progress(50, 100, T0.plusSeconds(2));

        assertThat(beat.status()).isEqualTo(RunStatus.Canceling);
        assertThat(beat.rowsCopied()).isEqualTo(50);
        assertThat(beat.updatedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void theJsonHoldsOnlyTheRecordsOwnFieldsAndLeavesOutWhatIsUnset() throws Exception {
        JsonNode started = JSON.readTree(JSON.writeValueAsString(RunRecord.started("run-1", "http", "CopyOrders", T0)));
        JsonNode succeeded = JSON.readTree(JSON.writeValueAsString(
                RunRecord.started("run-1", "http", "CopyOrders", T0).succeeded(statistics(5), T0)));

        assertThat(started.fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "runId",
                        "status",
                        "trigger",
                        "activityName",
                        "startedAt",
                        "updatedAt",
                        "rowsCopied",
                        "estimatedRows",
                        "httpStatus");
        assertThat(succeeded.fieldNames()).toIterable().contains("output").doesNotContain("error");
        assertThat(succeeded.at("/output/files/0/md5").isMissingNode())
                .as("a tar's null MD5 is left out")
                .isTrue();
    }

    @Test
    void aSucceededRecordRoundTripsWithItsStatistics() throws Exception {
        RunRecord record =
                RunRecord.started("run-1", "queue", "CopyOrders", T0).succeeded(statistics(42), T0.plusSeconds(9));

        RunRecord read = JSON.readValue(JSON.writeValueAsString(record), RunRecord.class);

        assertThat(read).isEqualTo(record);
        assertThat(read.output().slices()).containsExactly(new RunStatistics.Slice(0, "all", 42, 420));
    }

    @Test
    void aRecordNeedsItsIdStatusTriggerAndTimes() {
        assertThatThrownBy(() -> new RunRecord(null, RunStatus.InProgress, "http", "a", T0, T0, 0, -1, null, null, 0))
                .hasMessage("runId is null");
        assertThatThrownBy(() -> new RunRecord("r", null, "http", "a", T0, T0, 0, -1, null, null, 0))
                .hasMessage("status is null");
        assertThatThrownBy(() -> new RunRecord("r", RunStatus.Failed, "http", "a", T0, null, 0, -1, null, null, 0))
                .hasMessage("updatedAt is null");
    }

    private static RunStatistics statistics(long rows) {
        return new RunStatistics(
                rows * 10,
                rows * 8,
                1,
                1,
                4,
                rows,
                rows,
                3,
                1.5,
                List.of(),
                "pgferry (local)",
                1,
                List.of(),
                Map.of("VerificationResult", "NotVerified"),
                "run-1",
                List.of(new WrittenFile("exports/a.csv.tar", rows, rows * 8, null)),
                "exports/_manifest.json",
                List.of(new RunStatistics.Slice(0, "all", rows, rows * 10)),
                null,
                null);
    }
}
