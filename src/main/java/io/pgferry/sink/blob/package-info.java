/**
 * Azure Blob Storage: staged blocks uploaded as they fill, committed as blobs at the end, and the accounts'
 * clients by sign-in.
 */
package io.pgferry.sink.blob;
