/**
 * The Storage-queue trigger ({@code copyOnQueue}) and payloads kept in blobs of the function's storage.
 */
package io.pgferry.entry.queue;
