/**
 * Avro object container files, from binary COPY rows.
 */
package io.pgferry.format.avro;
