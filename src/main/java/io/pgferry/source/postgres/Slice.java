package io.pgferry.source.postgres;

/**
 * One slice of a copy's rows, read by its own connection in the copy's shared snapshot.
 *
 * @param index 0-based; it numbers the slice's files when there are several slices
 * @param selectSql the SELECT for this slice
 * @param range which rows, for the run statistics: {@code all} or a ctid range
 */
public record Slice(int index, String selectSql, String range) {}
