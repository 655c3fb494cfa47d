package io.pgferry.contract;

/**
 * TLS towards PostgreSQL, by the pgjdbc {@code sslmode} value each constant stands for, in the order of ADF's
 * {@code sslMode} 0 to 5.
 */
public enum SslMode {
    DISABLE("disable"),
    ALLOW("allow"),
    PREFER("prefer"),
    REQUIRE("require"),
    VERIFY_CA("verify-ca"),
    VERIFY_FULL("verify-full");

    private final String pgjdbcValue;

    SslMode(String pgjdbcValue) {
        this.pgjdbcValue = pgjdbcValue;
    }

    public String pgjdbcValue() {
        return pgjdbcValue;
    }

    /** Whether the server's certificate is checked against trusted authorities. */
    public boolean verifies() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }
}
