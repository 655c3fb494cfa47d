package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * A password, account key, SAS token or connection string. {@link #toString()} is redacted, so a secret can sit in
 * a record (whose {@code toString} prints every component) or a log line without leaking; only {@link #reveal()}
 * hands out the value, and only the code that opens a connection calls it.
 */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = requireNonNull(value, "value is null");
    }

    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && secret.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "***";
    }
}
