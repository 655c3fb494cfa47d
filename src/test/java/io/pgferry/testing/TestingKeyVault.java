package io.pgferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

/**
 * Azure Key Vault's secrets REST API, as far as reading a secret goes, over HTTPS with a certificate the tests'
 * authority ({@link TestingCertificates}) signs for {@code *.vault.test}.
 *
 * <p>It answers as Key Vault does: a request without a bearer token gets {@code 401} with the sign-in challenge
 * ({@code WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/<tenant>",
 * resource="https://vault.test"}), which the SDK's challenge-based authentication answers by asking its credential
 * for a token of that resource and sending the request again; {@code GET /secrets/{name}[/{version}]?api-version=7.x}
 * with {@code Authorization: Bearer <token>} gets the secret bundle, 401 for another token, 403 ({@code Forbidden},
 * inner {@code AccessDenied}) for a secret the test {@link #forbid forbids}, 404 {@code SecretNotFound} for one it
 * does not have. Every request is kept for assertions.
 *
 * <p>Why {@code *.vault.test}: the SDK sends a token only when the vault's host lies in the domain of the challenge's
 * resource (its challenge-resource verification, which pgferry leaves on), so a vault at {@code localhost} or an IP
 * address could never be signed in to. The vault is therefore addressed as {@code <name>.vault.test} (a reserved
 * top-level domain that no resolver answers for), which {@link #httpClient}'s resolver, and it alone, maps to the
 * loopback address, and its challenge names {@code https://vault.test} as real vaults name
 * {@code https://vault.azure.net}. {@link #challengeResource} makes it ask for another resource instead, to see
 * the SDK refuse.
 */
public final class TestingKeyVault implements AutoCloseable {
    /** The domain the test vaults live in, as {@code vault.azure.net} for Azure's. */
    public static final String DOMAIN = "vault.test";

    public static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One request as it arrived: the secret's path, the api-version asked for and the bearer token, if any. */
    public record Request(String method, String path, String apiVersion, String bearerToken, int status) {}

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final String host;
    private final String token;
    private final Map<String, LinkedHashMap<String, String>> secrets = new ConcurrentHashMap<>();
    private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile String resource = "https://" + DOMAIN;
    private volatile int failWith;

    private TestingKeyVault(String name, SSLContext tls, String token) throws IOException {
        this.host = name + "." + DOMAIN;
        this.token = token;
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * A vault {@code <name>.vault.test} that takes the bearer token {@code token} (the one the test's credential hands
     * out).
     */
    public static TestingKeyVault start(TestingCertificates certificates, String name, String token) {
        try {
            return new TestingKeyVault(name, serverTls(certificates), token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An HTTP client for the SDK that trusts the tests' authority and resolves {@code *.vault.test} to the loopback
     * address; every other name fails to resolve ({@link UnknownHostException}), so nothing leaves the machine.
     */
    public static HttpClient httpClient(TestingCertificates certificates) {
        try {
            SslContext trusting = SslContextBuilder.forClient()
                    .trustManager(certificates.authority().toFile())
                    .build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
                            .resolver(new TestDomainResolver())
                            .secure(tls -> tls.sslContext(trusting)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The vault's URL, as an {@code AzureKeyVault} linked service's {@code baseUrl} gives it. */
    public URI baseUrl() {
        return URI.create("https://" + host + ":" + server.getAddress().getPort() + "/");
    }

    /** Adds a version of a secret; the last one added is the latest. */
    public TestingKeyVault put(String name, String version, String value) {
        secrets.computeIfAbsent(name.toLowerCase(Locale.ROOT), key -> new LinkedHashMap<>())
                .put(version, value);
        return this;
    }

    /** The function's identity may not read this secret: 403. */
    public TestingKeyVault forbid(String name) {
        forbidden.add(name.toLowerCase(Locale.ROOT));
        return this;
    }

    /** The resource the sign-in challenge asks a token for (else {@code https://vault.test}). */
    public TestingKeyVault challengeResource(String resource) {
        this.resource = resource;
        return this;
    }

    /** Every signed-in request is answered with this status (503, say), or normally again with 0. */
    public TestingKeyVault failWith(int status) {
        this.failWith = status;
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** How many signed-in requests for the secret (any version) reached the vault. */
    public long fetches(String name) {
        return requests.stream()
                .filter(r -> r.bearerToken() != null
                        && r.path()
                                .toLowerCase(Locale.ROOT)
                                .matches("/secrets/" + name.toLowerCase(Locale.ROOT) + "(/.*)?"))
                .count();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            String apiVersion = query(exchange.getRequestURI().getRawQuery()).get("api-version");
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String bearer = authorization != null && authorization.startsWith("Bearer ")
                    ? authorization.substring("Bearer ".length())
                    : null;
            int status = answer(exchange, path, apiVersion, bearer);
            requests.add(new Request(exchange.getRequestMethod(), path, apiVersion, bearer, status));
        } finally {
            exchange.close();
        }
    }

    private int answer(HttpExchange exchange, String path, String apiVersion, String bearer) throws IOException {
        if (bearer == null || !bearer.equals(token)) {
            exchange.getResponseHeaders()
                    .add(
                            "WWW-Authenticate",
                            "Bearer authorization=\"https://login.microsoftonline" + ".com/" + TENANT
                                    + "\", resource=\"" + resource + "\"");
            return error(
                    exchange,
                    401,
                    "Unauthorized",
                    bearer == null
                            ? "AKV10000: Request is missing a Bearer or PoP token."
                            : "AKV10032: Invalid issuer.",
                    null);
        }
        if (apiVersion == null || !apiVersion.startsWith("7.")) {
            return error(
                    exchange,
                    400,
                    "BadParameter",
                    "The specified version (" + apiVersion + ") is not"
                            + " recognized. Consider using the latest supported version (7.6).",
                    null);
        }
        if (failWith != 0) {
            return error(exchange, failWith, "ServiceUnavailable", "The service is unavailable.", null);
        }
        String[] segments = path.replaceFirst("^/", "").split("/", -1);
        if (!segments[0].equals("secrets") || segments.length < 2 || segments.length > 3 || segments[1].isEmpty()) {
            return error(exchange, 404, "NotFound", "No such resource.", null);
        }
        if (!exchange.getRequestMethod().equals("GET")) {
            return error(exchange, 405, "MethodNotAllowed", "The method is not allowed.", null);
        }
        String name = URLDecoder.decode(segments[1], StandardCharsets.UTF_8);
        String version = segments.length == 3 ? URLDecoder.decode(segments[2], StandardCharsets.UTF_8) : "";
        if (forbidden.contains(name.toLowerCase(Locale.ROOT))) {
            return error(
                    exchange,
                    403,
                    "Forbidden",
                    "Caller is not authorized to perform action on resource. If"
                            + " role assignments, deny assignments or role definitions were changed recently, please observe"
                            + " propagation time. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'",
                    "AccessDenied");
        }
        Map<String, String> versions = secrets.getOrDefault(name.toLowerCase(Locale.ROOT), new LinkedHashMap<>());
        String found = version.isEmpty()
                ? versions.keySet().stream().reduce((first, second) -> second).orElse(null)
                : versions.containsKey(version) ? version : null;
        if (found == null) {
            return error(
                    exchange,
                    404,
                    "SecretNotFound",
                    "A secret with (name/id) " + name + (version.isEmpty() ? "" : "/" + version)
                            + " was not found in this key vault. If you recently deleted this secret you"
                            + " may be able to recover it using the correct recovery command. For help resolving this issue,"
                            + " please see https://go.microsoft.com/fwlink/?linkid=2125182",
                    null);
        }
        long created = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("enabled", true);
        attributes.put("created", created);
        attributes.put("updated", created);
        attributes.put("recoveryLevel", "Recoverable+Purgeable");
        attributes.put("recoverableDays", 90);
        Map<String, Object> bundle = new LinkedHashMap<>();
        bundle.put("value", versions.get(found));
        bundle.put("id", "https://" + host + ":" + server.getAddress().getPort() + "/secrets/" + name + "/" + found);
        bundle.put("attributes", attributes);
        bundle.put("tags", Map.of());
        return json(exchange, 200, bundle);
    }

    private static int error(HttpExchange exchange, int status, String code, String message, String inner)
            throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (inner != null) {
            error.put("innererror", Map.of("code", inner));
        }
        return json(exchange, status, Map.of("error", error));
    }

    private static int json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        return status;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            String[] parts = pair.split("=", 2);
            query.put(
                    URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        return query;
    }

    /** A server certificate for {@code *.vault.test}, signed by the tests' authority, as a TLS context. */
    private static SSLContext serverTls(TestingCertificates certificates) {
        Path directory = certificates.authority().getParent();
        try {
            Path keyStore = directory.resolve("vault.p12");
            if (!Files.exists(keyStore)) {
                Files.writeString(directory.resolve("vault.ext"), "subjectAltName=DNS:*." + DOMAIN + "\n");
                Processes.run(
                        List.of(
                                "openssl",
                                "req",
                                "-newkey",
                                "rsa:2048",
                                "-nodes",
                                "-subj",
                                "/CN=*." + DOMAIN,
                                "-keyout",
                                "vault.key",
                                "-out",
                                "vault.csr"),
                        directory);
                Processes.run(
                        List.of(
                                "openssl",
                                "x509",
                                "-req",
                                "-in",
                                "vault.csr",
                                "-CA",
                                "ca.crt",
                                "-CAkey",
                                "ca.key",
                                "-CAcreateserial",
                                "-days",
                                "2",
                                "-extfile",
                                "vault.ext",
                                "-out",
                                "vault.crt"),
                        directory);
                Processes.run(
                        List.of(
                                "openssl",
                                "pkcs12",
                                "-export",
                                "-in",
                                "vault.crt",
                                "-inkey",
                                "vault.key",
                                "-out",
                                "vault.p12",
                                "-passout",
                                "pass:changeit"),
                        directory);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, "changeit".toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Resolves {@code *.vault.test} to 127.0.0.1 and nothing else. */
    private static final class TestDomainResolver extends AddressResolverGroup<InetSocketAddress> {
        @Override
        protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
            return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
                @Override
                protected void doResolve(String name, Promise<InetAddress> promise) {
                    try {
                        promise.setSuccess(loopback(name));
                    } catch (UnknownHostException e) {
                        promise.setFailure(e);
                    }
                }

                @Override
                protected void doResolveAll(String name, Promise<List<InetAddress>> promise) {
                    try {
                        promise.setSuccess(List.of(loopback(name)));
                    } catch (UnknownHostException e) {
                        promise.setFailure(e);
                    }
                }
            });
        }

        private static InetAddress loopback(String name) throws UnknownHostException {
            if (name.toLowerCase(Locale.ROOT).endsWith("." + DOMAIN)) {
                return InetAddress.getByAddress(name, new byte[] {127, 0, 0, 1});
            }
            throw new UnknownHostException(name + ": only *." + DOMAIN + " resolves in these tests");
        }
    }
}
