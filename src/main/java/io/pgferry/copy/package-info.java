/**
 * Executes one copy: admission, plan, read and encode each slice, commit every file and then the manifest, report
 * the statistics. Whatever fails, nothing stays visible in the sink.
 */
package io.pgferry.copy;
