/** The slice-queue trigger ({@code copySlice}): one slice of a copy fanned out across instances. */
package io.pgferry.entry.slice;
