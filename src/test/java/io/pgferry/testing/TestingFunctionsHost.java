package io.pgferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Plays the Azure Functions host for the assembled app (the real host cannot be installed here): it reads
 * {@code host.json}, starts {@code customHandler.description.defaultExecutablePath} with its arguments in its working
 * directory and the host's environment, waits as the host does (a {@code GET /} every 25 ms until any HTTP answer),
 * and proxies HTTP-only functions' requests as {@code enableProxyingHttpRequest} does: same method, the route prefix
 * plus the function's route as path, the caller's headers plus the host's invocation headers.
 */
public final class TestingFunctionsHost implements AutoCloseable {
    public static final String HOST_VERSION = "4.1041.200.25071";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path appRoot;
    private final JsonNode hostJson;
    private final Process handler;
    private final int port;
    private final Path log;
    /**
     * The host's proxy speaks HTTP/1.1 to the handler; the JDK's client offers an h2c upgrade besides, which the
     * handler must decline (answering on HTTP/1.1) rather than fail a request with a body.
     */
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestingFunctionsHost(Path appRoot, JsonNode hostJson, Process handler, int port, Path log) {
        this.appRoot = appRoot;
        this.hostJson = hostJson;
        this.handler = handler;
        this.port = port;
        this.log = log;
    }

    /** The function app's name, as App Service sets {@code WEBSITE_SITE_NAME}. */
    public static final String SITE_NAME = "pgferry-test";
    /** Its region, as App Service sets {@code REGION_NAME}. */
    public static final String REGION_NAME = "West Europe";

    /**
     * Starts the handler of the app assembled in {@code appRoot} as the host does, in the host's environment only
     * (nothing of the test JVM's), and waits until it answers.
     *
     * @param appSettings the function app's application settings, which Azure gives the handler as environment
     *        variables (e.g. {@code AzureWebJobsStorage})
     */
    public static TestingFunctionsHost start(Path app, Map<String, String> appSettings) {
        Path appRoot = app.toAbsolutePath();
        try {
            JsonNode hostJson = MAPPER.readTree(appRoot.resolve("host.json").toFile());
            JsonNode description = hostJson.path("customHandler").path("description");
            String executable = description.path("defaultExecutablePath").asText();
            Path resolved = appRoot.resolve(executable);
            List<String> command = new ArrayList<>();
            command.add(Files.exists(resolved) ? resolved.toString() : executable);
            description.path("arguments").forEach(argument -> command.add(argument.asText()));
            Path workingDirectory =
                    appRoot.resolve(description.path("workingDirectory").asText(""));
            int port = Processes.freePort();
            Path log = Files.createTempFile("pgferry-handler-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // The host's environment, not the test JVM's: no JAVA_HOME, and a PATH with no java on it, so the handler
            // runs on the runtime its package carries (as on a Functions image that has none).
            builder.environment().clear();
            builder.environment().put("PATH", pathWithoutJava().toString());
            builder.environment().put("FUNCTIONS_CUSTOMHANDLER_PORT", Integer.toString(port));
            builder.environment()
                    .put("FUNCTIONS_CUSTOMHANDLER_WORKER_ID", UUID.randomUUID().toString());
            builder.environment().put("FUNCTIONS_APP_ROOT_PATH", appRoot.toString());
            // What App Service tells every app about itself.
            builder.environment().put("WEBSITE_SITE_NAME", SITE_NAME);
            builder.environment().put("REGION_NAME", REGION_NAME);
            builder.environment().putAll(appSettings);
            TestingFunctionsHost host = new TestingFunctionsHost(appRoot, hostJson, builder.start(), port, log);
            host.awaitReady(Duration.ofSeconds(60));
            return host;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path pathWithoutJava;

    /** A PATH folder with the shell's basic tools (as any Linux image has them) and no java; one per test JVM. */
    private static synchronized Path pathWithoutJava() throws IOException {
        if (pathWithoutJava == null) {
            Path bin = Files.createTempDirectory("pgferry-no-java-");
            bin.toFile().deleteOnExit();
            for (String tool : List.of("rm", "cp", "chmod", "mkdir", "cat")) {
                for (String folder : List.of("/usr/bin/", "/bin/")) {
                    if (Files.isExecutable(Path.of(folder + tool))) {
                        // Registered after the folder, so deleted before it.
                        Files.createSymbolicLink(bin.resolve(tool), Path.of(folder + tool))
                                .toFile()
                                .deleteOnExit();
                        break;
                    }
                }
            }
            pathWithoutJava = bin;
        }
        return pathWithoutJava;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .GET()
                .build();
        while (System.nanoTime() < deadline) {
            if (!handler.isAlive()) {
                throw new IllegalStateException("the handler exited with " + handler.exitValue() + "; see " + log);
            }
            try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Processes.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the handler did not answer within " + timeout + "; see " + log);
    }

    /** The assembled app's folder. */
    public Path appRoot() {
        return appRoot;
    }

    /** The app's {@code host.json}. */
    public JsonNode hostJson() {
        return hostJson;
    }

    /** The function's {@code function.json}. */
    public JsonNode function(String name) throws IOException {
        return MAPPER.readTree(appRoot.resolve(name).resolve("function.json").toFile());
    }

    /**
     * What a caller's request to an HTTP-only function becomes on its way to the handler.
     *
     * @param functionKey the caller's {@code x-functions-key}, which the host passes on
     */
    public HttpResponse<String> proxy(String function, String method, String body, String functionKey)
            throws IOException, InterruptedException {
        JsonNode trigger = function(function).path("bindings").get(0);
        String prefix =
                hostJson.path("extensions").path("http").path("routePrefix").asText("api");
        return proxy(
                URI.create("http://127.0.0.1:" + port + (prefix.isEmpty() ? "" : "/" + prefix) + "/"
                        // A route's optional parameters ({runId?}) are left out, as a caller of the bare route does.
                        + trigger.path("route").asText(function).replaceAll("/\\{[^}]*\\?}", "")),
                method,
                body,
                functionKey);
    }

    /** The handler's URL for {@code path}, as the host's proxy reaches it. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A proxied request to a URL the handler answered with (a run's status URL). */
    public HttpResponse<String> proxy(URI url, String method, String body, String functionKey)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("x-functions-key", functionKey)
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .header("X-Forwarded-For", "203.0.113.7")
                .header("X-Azure-Functions-HostVersion", HOST_VERSION)
                .header("X-Azure-Functions-InvocationId", UUID.randomUUID().toString())
                .timeout(Duration.ofMinutes(2))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The host's invocation of a non-HTTP function: {@code POST /<function>} (no route, no prefix) with the
     * {@code {"Data", "Metadata"}} body and the host's headers.
     */
    public HttpResponse<String> invoke(String function, JsonNode invocation) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/" + function))
                .POST(HttpRequest.BodyPublishers.ofString(invocation.toString()))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Azure-Functions-Host/" + HOST_VERSION)
                .header("X-Azure-Functions-HostVersion", HOST_VERSION)
                .header("X-Azure-Functions-InvocationId", UUID.randomUUID().toString())
                .timeout(Duration.ofMinutes(2))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** What the handler printed. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    /** Kills the handler at once (SIGKILL), as a crash or the platform reclaiming the instance would. */
    public void kill() {
        handler.destroyForcibly();
        try {
            handler.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        Processes.stop(handler);
    }

    /** Stops the handler as {@link #close()} does, giving it {@code grace} to exit (a JVM writing its AOT cache). */
    public void close(Duration grace) {
        Processes.stop(handler, grace);
    }
}
