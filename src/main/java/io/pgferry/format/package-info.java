/**
 * Output formats: how rows from PostgreSQL's COPY become file bytes, and which COPY each format reads.
 */
package io.pgferry.format;
