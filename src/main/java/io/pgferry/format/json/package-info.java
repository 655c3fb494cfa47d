/**
 * JSON lines or a JSON array, from binary COPY rows.
 */
package io.pgferry.format.json;
