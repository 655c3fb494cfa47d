/**
 * The Azure Functions custom-handler envelope: what the host posts ({@code Data}, {@code Metadata}) and what an
 * invocation answers ({@code Outputs}, {@code Logs}, {@code ReturnValue}).
 */
package io.pgferry.entry.host;
