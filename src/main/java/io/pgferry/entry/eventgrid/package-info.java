/**
 * Event Grid: the {@code copyOnEvent} trigger and the {@code /events} webhook with its handshakes, and what an event
 * may carry (a payload, or a blob holding one).
 */
package io.pgferry.entry.eventgrid;
