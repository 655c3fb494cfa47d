package io.pgferry.source.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration;
import io.agroal.api.configuration.supplier.AgroalConnectionFactoryConfigurationSupplier;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.pgferry.config.PostgresConfig;
import io.pgferry.contract.PostgresConnection;

/**
 * A small Agroal pool per distinct PostgreSQL linked service, so a warm instance reuses connections across copies.
 * Pools hold no connection when idle (idle connections close after {@link #IDLE_CONNECTION}), and a pool unused for
 * {@link #IDLE_POOL} is closed altogether.
 */
@ApplicationScoped
public class PostgresPools {
    private static final Logger LOG = Logger.getLogger(PostgresPools.class);
    static final int MAX_CONNECTIONS_PER_POOL = 8;
    static final Duration IDLE_CONNECTION = Duration.ofSeconds(60);
    static final Duration IDLE_POOL = Duration.ofMinutes(10);
    /** pgjdbc's URL form that leaves host, port and database to the PGHOST, PGPORT and PGDBNAME properties. */
    static final String URL_WITHOUT_SERVER = "jdbc:postgresql://";
    /** How long checking a pooled connection before use may take. */
    static final int VALIDATION_TIMEOUT_SECONDS = 5;

    private final Map<PostgresConnection, Pool> pools = new ConcurrentHashMap<>();
    private final Optional<Path> sslRootCert;

    @Inject
    PostgresPools(PostgresConfig config) {
        this.sslRootCert = config.sslRootCert();
    }

    private record Pool(AgroalDataSource dataSource, long lastUsedNanos) {}

    /**
     * A pooled connection; closing it returns it to the pool.
     *
     * @throws SQLException as the driver reports it: the caller classifies it with {@link PostgresErrors}
     */
    public Connection connection(PostgresConnection target) throws SQLException {
        closeIdlePools();
        Pool pool;
        try {
            pool = pools.compute(target, (key, existing) -> {
                try {
                    return new Pool(existing == null ? create(key) : existing.dataSource(), System.nanoTime());
                } catch (SQLException e) {
                    throw new PoolCreationException(e);
                }
            });
        } catch (PoolCreationException e) {
            throw e.getCause();
        }
        return pool.dataSource().getConnection();
    }

    private AgroalDataSource create(PostgresConnection target) throws SQLException {
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(true)
                .connectionPoolConfiguration(pool -> pool.minSize(0)
                        .initialSize(0)
                        .maxSize(MAX_CONNECTIONS_PER_POOL)
                        .acquisitionTimeout(Duration.ofSeconds(2L * target.connectTimeoutSeconds() + 5))
                        .reapTimeout(IDLE_CONNECTION)
                        // A server restarted or failed over since the connection was pooled: the connection is found
                        // dead when borrowed (or at its first fatal error) and replaced, not handed to the next copy.
                        .validateOnBorrow(true)
                        .connectionValidator(
                                AgroalConnectionPoolConfiguration.ConnectionValidator.defaultValidatorWithTimeout(
                                        VALIDATION_TIMEOUT_SECONDS))
                        .exceptionSorter(AgroalConnectionPoolConfiguration.ExceptionSorter.fatalExceptionSorter())
                        .connectionFactoryConfiguration(factory -> connectionFactory(factory, target)));
        return AgroalDataSource.from(config);
    }

    private AgroalConnectionFactoryConfigurationSupplier connectionFactory(
            AgroalConnectionFactoryConfigurationSupplier factory, PostgresConnection target) {
        // Nothing from the payload goes into the URL, where '/', '?', '&' or '=' would add driver parameters: the
        // URL names no server, and pgjdbc takes host, port and database from these typed properties instead.
        factory.connectionProviderClass(org.postgresql.Driver.class)
                .jdbcUrl(URL_WITHOUT_SERVER)
                .principal(new NamePrincipal(target.user()))
                .credential(new SimplePassword(target.password().reveal()))
                .jdbcProperty("PGHOST", target.host())
                .jdbcProperty("PGPORT", Integer.toString(target.port()))
                .jdbcProperty("PGDBNAME", target.database())
                .jdbcProperty("ApplicationName", "pgferry")
                .jdbcProperty("sslmode", target.sslMode().pgjdbcValue())
                .jdbcProperty("connectTimeout", Integer.toString(target.connectTimeoutSeconds()))
                .jdbcProperty("loginTimeout", Integer.toString(target.connectTimeoutSeconds()))
                .jdbcProperty("tcpKeepAlive", "true");
        target.schema().ifPresent(schema -> factory.jdbcProperty("currentSchema", schema));
        // Verifying modes trust the configured authorities, else the JVM's (Azure's are there); the others encrypt
        // without checking, as ADF's modes 1 to 3 do.
        if (!target.sslMode().verifies()) {
            factory.jdbcProperty("sslfactory", "org.postgresql.ssl.NonValidatingFactory");
        } else if (sslRootCert.isPresent()) {
            factory.jdbcProperty("sslfactory", "org.postgresql.ssl.LibPQFactory")
                    .jdbcProperty("sslrootcert", sslRootCert.get().toString());
        } else {
            factory.jdbcProperty("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
        }
        return factory;
    }

    private void closeIdlePools() {
        long now = System.nanoTime();
        pools.forEach((key, pool) -> {
            boolean idle = now - pool.lastUsedNanos() > IDLE_POOL.toNanos()
                    && pool.dataSource().getMetrics().activeCount() == 0;
            // remove(key, pool) fails when another copy took the pool meanwhile (compute stored a new record).
            if (idle && pools.remove(key, pool)) {
                LOG.debugf("closing idle pool for %s", key.describe());
                pool.dataSource().close();
            }
        });
    }

    @PreDestroy
    void closeAll() {
        pools.values().forEach(pool -> pool.dataSource().close());
        pools.clear();
    }

    /** Carries a pool-creation failure out of {@code compute}. */
    static final class PoolCreationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PoolCreationException(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
