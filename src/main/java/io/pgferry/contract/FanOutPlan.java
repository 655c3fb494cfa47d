package io.pgferry.contract;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * A fanned-out copy's plan, kept in the function's own storage while the copy runs: the snapshot its first instance
 * exported and holds open, and each slice's SELECT (written by pgferry's planner, never taken from a message).
 *
 * @param plan this planning's id: a retried run plans afresh under a new one
 * @param payload the request as delivered (see {@link FanOut#payload()})
 * @param traceparent the planner's trace (W3C), so the slices' spans join it; null when nothing is traced
 */
@RegisterForReflection
public record FanOutPlan(
        String runId,
        String plan,
        String snapshot,
        List<PlannedSlice> slices,
        String payload,
        String createdAt,
        String traceparent) {
    public FanOutPlan {
        slices = List.copyOf(slices);
    }

    /** One slice: its number, its SELECT, and which rows it reads, for the statistics. */
    @RegisterForReflection
    public record PlannedSlice(int index, String selectSql, String range) {}

    /** The message that asks an instance to copy one slice: names only, no secret and no SQL. */
    @RegisterForReflection
    public record SliceMessage(String runId, String plan, int slice) {}
}
