package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Where and as whom to connect to PostgreSQL. Equal values share one connection pool; {@code toString} hides the
 * password.
 *
 * @param schema the search path's first schema (V2's {@code schema}), if any
 * @param connectTimeoutSeconds how long opening a connection may take
 */
public record PostgresConnection(
        String host,
        int port,
        String database,
        String user,
        Secret password,
        SslMode sslMode,
        Optional<String> schema,
        int connectTimeoutSeconds) {
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 15;

    public PostgresConnection {
        requireNonNull(host, "host is null");
        requireNonNull(database, "database is null");
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(sslMode, "sslMode is null");
        requireNonNull(schema, "schema is null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** {@code host:port/database}, for messages. */
    public String describe() {
        return host + ":" + port + "/" + database;
    }
}
