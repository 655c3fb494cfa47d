/** How pgferry's log is written: one line per record, whatever a request's text holds. */
package io.pgferry.logging;
