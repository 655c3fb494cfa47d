/**
 * {@code GET /openapi}: the HTTP functions described for Logic Apps and API clients.
 */
package io.pgferry.entry.openapi;
