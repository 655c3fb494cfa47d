/**
 * Where file bytes go: chunks (a blob or a file being written), rolled into files by the sink's naming, compressed,
 * committed only when the whole copy succeeded.
 */
package io.pgferry.sink;
