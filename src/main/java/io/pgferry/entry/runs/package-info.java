/**
 * {@code /runs}: asynchronous copies in Logic Apps' request-reply pattern (start, poll, cancel).
 */
package io.pgferry.entry.runs;
