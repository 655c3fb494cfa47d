/**
 * What every HTTP function shares: function keys, request limits and ADF-shaped error bodies for every failure.
 */
package io.pgferry.entry.http;
