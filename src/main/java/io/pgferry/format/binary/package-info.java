/**
 * Decoding PostgreSQL's binary COPY rows column by column, for the formats that are not text.
 */
package io.pgferry.format.binary;
