package io.pgferry.intake;

/** What brought a copy, as its run record names it. */
public enum Trigger {
    /** {@code POST /runs}. */
    HTTP("http"),
    /** The Storage-queue trigger. */
    QUEUE("queue"),
    /** The Event Grid trigger or webhook. */
    EVENT("event");

    private final String label;

    Trigger(String label) {
        this.label = label;
    }

    /** The run record's {@code trigger}. */
    public String label() {
        return label;
    }
}
