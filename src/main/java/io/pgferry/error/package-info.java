/**
 * Errors as a type: every code with its HTTP status and failure type ({@code ErrorCode}), the exception that
 * carries one ({@code CopyException}) and the ADF error body it renders ({@code ErrorResponse}).
 */
package io.pgferry.error;
