package io.pgferry.run;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.pgferry.contract.RunStatistics;
import io.pgferry.error.ErrorResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The durable record of one run, kept in Blob Storage so any instance can answer for it and it survives restarts.
 *
 * @param trigger what started the run: {@code http}, {@code queue} or {@code event}
 * @param updatedAt the last heartbeat or change; a running record not updated for a while belongs to a dead instance
 * @param estimatedRows the table's estimated row count, -1 when unknown
 * @param output the copy output once {@link RunStatus#Succeeded}
 * @param error the failure once {@link RunStatus#Failed} or {@link RunStatus#Cancelled}
 * @param httpStatus the status a failed run answers with (its {@code CopyException}'s), 0 otherwise
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(
        String runId,
        RunStatus status,
        String trigger,
        String activityName,
        Instant startedAt,
        Instant updatedAt,
        long rowsCopied,
        long estimatedRows,
        RunStatistics output,
        ErrorResponse error,
        int httpStatus) {

    public RunRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(status, "status is null");
        requireNonNull(trigger, "trigger is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }

    static RunRecord started(String runId, String trigger, String activityName, Instant now) {
        return new RunRecord(runId, RunStatus.InProgress, trigger, activityName, now, now, 0, -1, null, null, 0);
    }

    RunRecord progress(long rows, long estimate, Instant now) {
        return new RunRecord(runId, status, trigger, activityName, startedAt, now, rows, estimate, null, null, 0);
    }

    RunRecord canceling(Instant now) {
        return new RunRecord(
                runId,
                RunStatus.Canceling,
                trigger,
                activityName,
                startedAt,
                now,
                rowsCopied,
                estimatedRows,
                null,
                null,
                0);
    }

    RunRecord succeeded(RunStatistics statistics, Instant now) {
        return new RunRecord(
                runId,
                RunStatus.Succeeded,
                trigger,
                activityName,
                startedAt,
                now,
                statistics.rowsCopied(),
                estimatedRows,
                statistics,
                null,
                0);
    }

    RunRecord failed(RunStatus finalStatus, ErrorResponse failure, int status, Instant now) {
        return new RunRecord(
                runId,
                finalStatus,
                trigger,
                activityName,
                startedAt,
                now,
                rowsCopied,
                estimatedRows,
                null,
                failure,
                status);
    }

    /** Estimated share of the rows copied, 0 to 99 while running, or -1 when the total is unknown. */
    public int percent() {
        if (status == RunStatus.Succeeded) {
            return 100;
        }
        if (estimatedRows <= 0) {
            return -1;
        }
        return (int) Math.min(99, rowsCopied * 100 / estimatedRows);
    }
}
