package io.pgferry.testing;

/**
 * One PostgreSQL and one Azurite per test JVM, started on first use and stopped when the JVM exits. Tests keep apart
 * by using unique table and container names.
 */
public final class TestingServers {
    private TestingServers() {}

    public static TestingPostgres postgres() {
        return Holder.POSTGRES;
    }

    public static TestingAzurite azurite() {
        return Holder.AZURITE;
    }

    /** A TLS-only PostgreSQL whose certificate authority is at {@link TestingCertificates#TRUSTED}. */
    public static TestingPostgres postgresWithTls() {
        return TlsHolder.POSTGRES;
    }

    private static final class TlsHolder {
        static final TestingPostgres POSTGRES = TestingPostgres.startWithTls(TestingCertificates.create());

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(POSTGRES::close, "pgferry-test-tls-stop"));
        }
    }

    private static final class Holder {
        static final TestingPostgres POSTGRES = TestingPostgres.start();
        static final TestingAzurite AZURITE = TestingAzurite.start();

        static {
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                AZURITE.close();
                                POSTGRES.close();
                            },
                            "pgferry-test-servers-stop"));
        }
    }
}
