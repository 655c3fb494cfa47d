package io.pgferry.error;

/** ADF's split of failures: the caller can fix a {@code UserError}; a {@code SystemError} may pass on a retry. */
public enum FailureType {
    UserError,
    SystemError
}
