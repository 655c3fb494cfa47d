/**
 * A file server folder (ADF's FileServer) on a mounted share: temporary files, fsync, rename at commit.
 */
package io.pgferry.sink.file;
