/**
 * Parquet files, from binary COPY rows, with their page compressors.
 */
package io.pgferry.format.parquet;
