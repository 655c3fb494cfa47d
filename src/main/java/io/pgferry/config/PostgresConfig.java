package io.pgferry.config;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** How copies reach PostgreSQL. */
@ConfigMapping(prefix = "pgferry.postgres")
public interface PostgresConfig {

    /**
     * A PEM file of the certificate authorities that verifying TLS modes ({@code sslMode} 4 and 5,
     * {@code ValidateServerCertificate=1}) trust. Unset (the default), they trust the JVM's authorities, which include
     * the ones Azure Database for PostgreSQL uses. Environment variable: {@code PGFERRY_POSTGRES_SSL_ROOT_CERT}.
     */
    Optional<Path> sslRootCert();
}
