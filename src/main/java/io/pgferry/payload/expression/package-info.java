/**
 * ADF's expression language as far as payloads use it: {@code @...} and {@code @{...}} with parameters and
 * functions, evaluated in linear time and bounded depth.
 */
package io.pgferry.payload.expression;
