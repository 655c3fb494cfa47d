package io.pgferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throwaway certificate authority made with {@code openssl}, a server certificate it signs for {@code localhost}
 * only (so {@code 127.0.0.1} fails host-name verification), and a second, unrelated authority. The trusted authority
 * is written to {@link #TRUSTED}, where the test profile's {@code pgferry.postgres.ssl-root-cert} points.
 */
public record TestingCertificates(Path serverCertificate, Path serverKey, Path otherAuthority) {
    public static final Path TRUSTED = Path.of("target/test-tls/root.crt").toAbsolutePath();

    public static TestingCertificates create() {
        try {
            Path directory = Files.createTempDirectory("pgferry-tls-");
            openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=pgferry test CA", "-keyout", "ca.key", "-out", "ca.crt");
            openssl(directory, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=some other CA", "-keyout", "other.key", "-out", "other.crt");
            openssl(directory, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                    "server.key", "-out", "server.csr");
            Files.writeString(directory.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
            openssl(directory, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                    "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.crt");
            Files.createDirectories(TRUSTED.getParent());
            Files.copy(directory.resolve("ca.crt"), TRUSTED, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new TestingCertificates(directory.resolve("server.crt"), directory.resolve("server.key"),
                    directory.resolve("other.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(Path directory, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Processes.run(command, directory);
    }
}
