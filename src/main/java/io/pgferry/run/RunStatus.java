package io.pgferry.run;

/** ADF's run statuses, as a run record holds them. */
public enum RunStatus {
    InProgress,
    Canceling,
    Succeeded,
    Failed,
    Cancelled;

    /** Whether the run has ended (its record no longer changes). */
    public boolean finished() {
        return this == Succeeded || this == Failed || this == Cancelled;
    }
}
