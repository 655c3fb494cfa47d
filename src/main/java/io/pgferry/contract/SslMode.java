package io.pgferry.contract;

/** TLS towards PostgreSQL, by the pgjdbc {@code sslmode} value each constant stands for. */
public enum SslMode {
    DISABLE("disable"),
    PREFER("prefer"),
    REQUIRE("require"),
    VERIFY_FULL("verify-full");

    private final String pgjdbcValue;

    SslMode(String pgjdbcValue) {
        this.pgjdbcValue = pgjdbcValue;
    }

    public String pgjdbcValue() {
        return pgjdbcValue;
    }
}
