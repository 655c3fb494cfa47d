/**
 * Where rows come from: PostgreSQL is the one source today.
 */
package io.pgferry.source;
