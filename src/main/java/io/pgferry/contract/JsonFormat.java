package io.pgferry.contract;

/**
 * A {@code Json} dataset: one object per row, written as JSON Lines ({@code setOfObjects}, ADF's default) or as one
 * array per file ({@code arrayOfObjects}).
 */
public record JsonFormat(boolean arrayOfObjects) implements SinkFormat {}
