/**
 * Reads an ADF payload (Copy activity or pipeline, datasets, linked services, credentials) into a
 * {@code contract.CopyJob}, collecting every problem with its JSON pointer before anything runs.
 */
package io.pgferry.payload;
