/**
 * {@code POST /pipelines}: a pipeline of several activities, run while the caller waits.
 */
package io.pgferry.entry.pipeline;
