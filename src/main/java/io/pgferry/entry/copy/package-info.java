/**
 * {@code POST /copy} ({@code function-app/copy}): run a copy and answer its statistics.
 */
package io.pgferry.entry.copy;
