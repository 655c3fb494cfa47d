/**
 * PostgreSQL: pooled connections by typed properties, the copy's session and shared snapshot, slices, the COPY-out
 * reader and error translation.
 */
package io.pgferry.source.postgres;
