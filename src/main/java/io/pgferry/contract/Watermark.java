package io.pgferry.contract;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An incremental copy's state after a run: the highest value of the watermark column it copied up to, and the
 * snapshot it read in ({@code txid_current_snapshot()}: xmin, xmax and the transactions then in flight), so the next
 * run also takes the rows those transactions committed later.
 *
 * @param high the column's highest value in that snapshot, as PostgreSQL renders it (null when the table was empty)
 */
@RegisterForReflection
public record Watermark(String column, String high, String snapshot, String runId, String committedAt) {}
