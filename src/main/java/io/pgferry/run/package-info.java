/**
 * Durable run records: a run id copies once, its progress is written every heartbeat, and any instance can cancel it
 * or take over a dead one.
 */
package io.pgferry.run;
