package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

/**
 * Where and as whom to connect to PostgreSQL. Equal values share one connection pool; {@code toString} hides the
 * password.
 */
public record PostgresConnection(String host, int port, String database, String user, Secret password,
        SslMode sslMode) {
    public PostgresConnection {
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(sslMode, "sslMode is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** {@code host:port/database}, for messages. */
    public String describe() {
        return host + ":" + port + "/" + database;
    }
}
