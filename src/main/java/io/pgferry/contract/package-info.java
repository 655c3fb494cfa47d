/**
 * The copy as pgferry understands it once read: records for the source, the sink, formats and the ADF-shaped run
 * statistics. Records only; reading them from a payload is {@code payload}'s job.
 */
package io.pgferry.contract;
