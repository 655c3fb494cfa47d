package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * How a parallel copy cuts its rows into slices: ADF's {@code partitionOption} with its {@code partitionSettings}, or
 * (the default, a pgferry extension) ranges of a table's physical pages.
 */
public sealed interface Partitioning {

    /** ADF's {@code None}: a table is cut by ctid page ranges when {@code parallelCopies} asks for slices. */
    record PhysicalPages() implements Partitioning {}

    /**
     * ADF's {@code DynamicRange}: ranges of an integer, date or timestamp column. The bounds only set the stride (as
     * ADF's SQL connectors document): the first and last slices are open-ended and NULLs go to the first, so every row
     * is copied.
     *
     * @param column {@code partitionColumnName}; by default the table's single-column primary key
     * @param lowerBound {@code partitionLowerBound}; by default the column's minimum in the copy's snapshot
     * @param upperBound {@code partitionUpperBound}; by default the maximum
     */
    record DynamicRange(Optional<String> column, Optional<String> lowerBound, Optional<String> upperBound)
            implements Partitioning {
        public DynamicRange {
            requireNonNull(column, "column is null");
            requireNonNull(lowerBound, "lowerBound is null");
            requireNonNull(upperBound, "upperBound is null");
        }
    }

    /**
     * ADF's {@code PhysicalPartitionsOfTable}: the leaf partitions of a partitioned table, shared among the slices.
     *
     * @param names {@code partitionNames}, each checked against the table's leaf partitions in the catalog before
     *        it is read; by default every leaf partition
     * @param namesPointer the JSON pointer of {@code partitionNames}, for errors that name one of them
     */
    record PhysicalPartitions(List<TableName> names, String namesPointer) implements Partitioning {
        public PhysicalPartitions {
            names = List.copyOf(names);
            requireNonNull(namesPointer, "namesPointer is null");
        }
    }
}
