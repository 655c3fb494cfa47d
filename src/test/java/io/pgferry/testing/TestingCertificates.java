package io.pgferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;

/**
 * A throwaway certificate authority made with {@code openssl}, a server certificate it signs for {@code localhost}
 * only (so {@code 127.0.0.1} fails host-name verification), and a second, unrelated authority. The trusted authority
 * is written to {@link #TRUSTED}, where the test profile's {@code pgferry.postgres.ssl-root-cert} points.
 */
public record TestingCertificates(Path authority, Path serverCertificate, Path serverKey, Path otherAuthority) {
    public static final Path TRUSTED = Path.of("target/test-tls/root.crt").toAbsolutePath();

    public static TestingCertificates create() {
        try {
            Path directory = Files.createTempDirectory("pgferry-tls-");
            openssl(
                    directory,
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=pgferry test CA",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.crt");
            openssl(
                    directory,
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=some other CA",
                    "-keyout",
                    "other.key",
                    "-out",
                    "other.crt");
            openssl(
                    directory,
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=localhost",
                    "-keyout",
                    "server.key",
                    "-out",
                    "server.csr");
            Files.writeString(directory.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
            openssl(
                    directory,
                    "x509",
                    "-req",
                    "-in",
                    "server.csr",
                    "-CA",
                    "ca.crt",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    "server.ext",
                    "-out",
                    "server.crt");
            Files.createDirectories(TRUSTED.getParent());
            Files.copy(directory.resolve("ca.crt"), TRUSTED, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new TestingCertificates(
                    directory.resolve("ca.crt"),
                    directory.resolve("server.crt"),
                    directory.resolve("server.key"),
                    directory.resolve("other.crt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PKCS#12 trust store holding the authority only, for a JVM that must trust the test servers
     * ({@code -Djavax.net.ssl.trustStore=...}, password {@code changeit}).
     */
    public Path trustStore() {
        try (InputStream in = Files.newInputStream(authority)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(
                    "pgferry-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            Path file = authority.resolveSibling("truststore.p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, "changeit".toCharArray());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void openssl(Path directory, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Processes.run(command, directory);
    }
}
