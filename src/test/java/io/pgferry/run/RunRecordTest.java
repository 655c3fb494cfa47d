package io.pgferry.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

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
}
