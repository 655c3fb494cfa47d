/**
 * The one intake every entry point calls: read the payload, default the run id, and run now, once, or in the
 * background.
 */
package io.pgferry.intake;
