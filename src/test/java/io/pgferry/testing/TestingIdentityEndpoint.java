package io.pgferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The managed-identity endpoint Azure App Service and Azure Functions give an app's processes: {@code GET
 * IDENTITY_ENDPOINT?resource=...&api-version=2019-08-01}, with {@code X-IDENTITY-HEADER: IDENTITY_HEADER}, for the
 * system-assigned identity or a user-assigned one named by {@code client_id} or {@code mi_res_id}. It answers as the
 * platform does: a bearer token (a JWT from Entra ID's v1 issuer for the requested audience) with {@code expires_on}
 * in epoch seconds, 400 for an identity the app does not have, 401 without the right header. Every request is kept
 * for assertions.
 */
public final class TestingIdentityEndpoint implements AutoCloseable {
    public static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final String header = UUID.randomUUID().toString();
    private final Set<String> identities;
    private final Set<String> expired;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();

    /**
     * @param identities the user-assigned identities the app has, by client id or resource id
     * @param expired identities (of {@code identities}) whose tokens are handed out already expired
     */
    private TestingIdentityEndpoint(Set<String> identities, Set<String> expired) throws IOException {
        this.identities = identities;
        this.expired = expired;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/msi/token", this::token);
        server.start();
    }

    public static TestingIdentityEndpoint start(Set<String> identities, Set<String> expired) {
        try {
            return new TestingIdentityEndpoint(identities, expired);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The app settings the platform sets for an app with a managed identity. */
    public Map<String, String> environment() {
        return Map.of(
                "IDENTITY_ENDPOINT",
                "http://127.0.0.1:" + server.getAddress().getPort() + "/msi/token",
                "IDENTITY_HEADER",
                header);
    }

    public String header() {
        return header;
    }

    /** The query parameters of each request, with the header's check as {@code "header-ok"}. */
    public List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            String[] parts = pair.split("=", 2);
            query.put(
                    URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
                    parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
        }
        boolean headerOk = header.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"));
        Map<String, String> seen = new LinkedHashMap<>(query);
        seen.put("header-ok", Boolean.toString(headerOk));
        requests.add(seen);
        String identity = query.getOrDefault("client_id", query.getOrDefault("mi_res_id", ""));
        if (!headerOk) {
            answer(exchange, 401, Map.of("statusCode", 401, "message", "Unauthorized request."));
        } else if (!"2019-08-01".equals(query.get("api-version"))
                || query.getOrDefault("resource", "").isEmpty()) {
            answer(exchange, 400, Map.of("statusCode", 400, "message", "Invalid request."));
        } else if (!identity.isEmpty() && !identities.contains(identity)) {
            answer(
                    exchange,
                    400,
                    Map.of(
                            "statusCode",
                            400,
                            "message",
                            "Unable to load the proper Managed Identity.",
                            "correlationId",
                            UUID.randomUUID().toString()));
        } else {
            long now = Instant.now().getEpochSecond();
            long expiresOn = expired.contains(identity) ? now - 600 : now + 3600;
            answer(
                    exchange,
                    200,
                    Map.of(
                            "access_token",
                            jwt(query.get("resource"), now - 300, expiresOn),
                            "expires_on",
                            Long.toString(now + 3600),
                            "resource",
                            query.get("resource"),
                            "token_type",
                            "Bearer",
                            "client_id",
                            identity.isEmpty() ? "system" : identity));
        }
    }

    private static String jwt(String audience, long notBefore, long expires) throws IOException {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        byte[] header = MAPPER.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT"));
        byte[] claims = MAPPER.writeValueAsBytes(Map.of(
                "aud",
                audience.replaceFirst("/$", ""),
                "iss",
                "https://sts.windows.net/" + TENANT + "/",
                "nbf",
                notBefore,
                "iat",
                notBefore,
                "exp",
                expires,
                "oid",
                UUID.randomUUID().toString(),
                "tid",
                TENANT));
        return encoder.encodeToString(header) + "." + encoder.encodeToString(claims) + "."
                + encoder.encodeToString(new byte[64]);
    }

    private static void answer(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
