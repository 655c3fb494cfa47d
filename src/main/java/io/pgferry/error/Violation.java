package io.pgferry.error;

import static java.util.Objects.requireNonNull;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One problem with a request: the RFC 6901 JSON pointer of the offending field and why it is wrong. The reason never
 * quotes a secret value.
 */
@RegisterForReflection
public record Violation(String pointer, String reason) {
    public Violation {
        requireNonNull(pointer, "pointer is null");
        requireNonNull(reason, "reason is null");
    }
}
