package io.pgferry.contract;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.error.ErrorResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A pipeline run's result, shaped as ADF's pipeline run and activity-runs query answer them: the run's status, and
 * each activity run with its status, duration, output (a Copy's is a copy's statistics, a Lookup's its
 * {@code firstRow} or {@code count}/{@code value}) or error. Beyond ADF: {@code snapshot}, the database snapshot
 * every read of the run saw, {@code snapshotHeldMs}, how long it was held (what the run cost vacuum), and
 * {@code manifest}, where the run's manifest listing every copy's files is (when it succeeded with copies).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineRunOutput(
        String runId,
        String pipelineName,
        String status,
        String runStart,
        String runEnd,
        long durationInMs,
        String snapshot,
        Long snapshotHeldMs,
        String manifest,
        List<ActivityRun> activityRuns) {
    public PipelineRunOutput {
        activityRuns = List.copyOf(activityRuns);
    }

    /**
     * @param iteration for an activity inside a ForEach, the item's index
     * @param error the activity's failure, ADF-style
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActivityRun(
            String activityName,
            String activityType,
            String activityRunId,
            String status,
            String activityRunStart,
            String activityRunEnd,
            long durationInMs,
            Integer iteration,
            JsonNode output,
            ErrorResponse error) {}
}
