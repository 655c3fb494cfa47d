/**
 * The process's memory, however it was started: the C heap's free memory given back while copies run, and a Java heap
 * that shrinks to what it holds.
 */
package io.pgferry.memory;
