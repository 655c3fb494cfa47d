package io.pgferry.functionapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Folders;
import io.pgferry.testing.HostInvocations;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingFunctionsHost;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;

/**
 * The assembled Azure Functions app ({@code target/pgferry-*-function-app}), started and called exactly as the
 * Functions host starts and calls a custom handler.
 */
class FunctionAppIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestingFunctionsHost host;

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @BeforeAll
    static void startHandler() throws Exception {
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            Path app = built.filter(p -> p.getFileName().toString().endsWith("-function-app") && Files.isDirectory(p))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/*-function-app: run package"));
            host = TestingFunctionsHost.start(
                    app, Map.of("AzureWebJobsStorage", TestingServers.azurite().connectionString()));
        }
    }

    @AfterAll
    static void stopHandler() {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void thePackageRunsOnTheJavaRuntimeItCarries() throws Exception {
        // The host's environment holds no java (TestingFunctionsHost): the handler found the package's own, and named
        // its version from the runtime's release file.
        Path runtime = host.appRoot().resolve("runtime");
        assertThat(runtime.resolve("bin/java")).isExecutable();
        String version = Files.readAllLines(runtime.resolve("release")).stream()
                .filter(line -> line.startsWith("JAVA_VERSION="))
                .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                .findFirst()
                .orElseThrow();
        assertThat(host.log()).contains("pgferry-handler: running on the package's runtime (Java " + version + ")");
        // The JDK's default CDS archive, which jlink writes only when asked: without it every start loads the JDK's
        // classes one by one.
        assertThat(runtime.resolve("lib/server/classes.jsa")).isRegularFile();
    }

    /**
     * A package whose runtime lost its execute bits (a zip made by a tool that drops modes) still starts: the launcher
     * runs a copy of the runtime that has them.
     */
    @Test
    void aRuntimeThatLostItsExecuteBitsRunsFromACopy(@TempDir Path temp) throws Exception {
        Path app = temp.resolve("app");
        Folders.copy(host.appRoot(), app, Set.of());
        Files.setPosixFilePermissions(
                app.resolve("runtime/bin/java"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (TestingFunctionsHost stripped = TestingFunctionsHost.start(app, Map.of())) {
            assertThat(stripped.log()).contains("pgferry-handler: running on a copy of the package's runtime");
            assertThat(stripped.proxy(stripped.url("/"), "GET", null, "").statusCode())
                    .isEqualTo(200);
        }
    }

    /** A package built without its runtime (-Dpgferry.runtime.skip) runs on JAVA_HOME's when the host sets one. */
    @Test
    void aPackageWithoutItsRuntimeRunsOnJavaHome(@TempDir Path temp) throws Exception {
        Path app = temp.resolve("app");
        Folders.copy(host.appRoot(), app, Set.of("runtime"));
        String javaHome = System.getProperty("java.home");
        try (TestingFunctionsHost withoutRuntime = TestingFunctionsHost.start(app, Map.of("JAVA_HOME", javaHome))) {
            assertThat(withoutRuntime.log()).contains("pgferry-handler: running on JAVA_HOME's runtime at " + javaHome);
            assertThat(withoutRuntime
                            .proxy(withoutRuntime.url("/"), "GET", null, "")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    /**
     * A package may carry a JDK AOT cache (quarkus-app/app.aot, README "Cold start"): the launcher hands it only to a
     * runtime of JDK 24 or later, which would refuse to start on an option it does not know, and a cache the JVM cannot
     * use never stops the start.
     */
    @Test
    void anAotCacheGoesOnlyToARuntimeThatKnowsItAndNeverStopsTheStart(@TempDir Path temp) throws Exception {
        Path app = temp.resolve("app");
        Folders.copy(host.appRoot(), app, Set.of());
        Files.writeString(app.resolve("quarkus-app/app.aot"), "not a cache");
        int major = Runtime.Version.parse(Files.readAllLines(app.resolve("runtime/release")).stream()
                        .filter(line -> line.startsWith("JAVA_VERSION="))
                        .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", ""))
                        .findFirst()
                        .orElseThrow())
                .feature();
        try (TestingFunctionsHost withCache = TestingFunctionsHost.start(app, Map.of())) {
            assertThat(withCache.proxy(withCache.url("/"), "GET", null, "").statusCode())
                    .isEqualTo(200);
            if (major >= 24) {
                assertThat(withCache.log()).contains("pgferry-handler: with the AOT cache quarkus-app/app.aot");
            } else {
                assertThat(withCache.log()).doesNotContain("AOT cache");
            }
        }
    }

    /** On JDK 25 (when the machine has one) a cache trained on the package is used: the JVM says it mapped it. */
    @Test
    void aTrainedAotCacheIsMappedOnJdk25(@TempDir Path temp) throws Exception {
        Path jdk25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(jdk25.resolve("bin/java")), "no JDK 25 at " + jdk25);
        Path app = temp.resolve("app");
        Folders.copy(host.appRoot(), app, Set.of("runtime"));
        TestingFunctionsHost training = TestingFunctionsHost.start(
                app,
                Map.of(
                        "JAVA_HOME",
                        jdk25.toString(),
                        "PGFERRY_JAVA_OPTS",
                        "-XX:AOTCacheOutput=quarkus-app/app.aot -XX:+UseSerialGC -Xmx256m"));
        try {
            assertThat(training.proxy(training.url("/"), "GET", null, "").statusCode())
                    .isEqualTo(200);
        } finally {
            training.close(Duration.ofMinutes(2));
        }
        assertThat(app.resolve("quarkus-app/app.aot"))
                .as("the cache the JVM wrote as it exited")
                .isNotEmptyFile();
        try (TestingFunctionsHost trained = TestingFunctionsHost.start(
                app,
                Map.of(
                        "JAVA_HOME",
                        jdk25.toString(),
                        "PGFERRY_JAVA_OPTS",
                        "-Xlog:aot=info -XX:+UseSerialGC -Xmx256m"))) {
            assertThat(trained.proxy(trained.url("/"), "GET", null, "").statusCode())
                    .isEqualTo(200);
            assertThat(trained.log())
                    .contains("pgferry-handler: with the AOT cache quarkus-app/app.aot")
                    .contains("Opened AOT cache quarkus-app/app.aot")
                    .doesNotContain("An error has occurred while processing the AOT cache");
        }
    }

    /** Every format's classes load on the package's trimmed runtime (Parquet's Hadoop parts, Avro's codecs). */
    @Test
    void everyFormatCopiesOnThePackagesRuntime() throws Exception {
        String table = "fa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'row ' || i AS name, i * 1.5 AS amount,"
                + " now() AS at, ARRAY[i, i + 1] AS pair FROM generate_series(1, 300) i");
        for (String format : List.of("Parquet", "Avro", "Json")) {
            String container = "fa-" + UUID.randomUUID().toString().substring(0, 8);
            ObjectNode payload = payload(table, container);
            ObjectNode dataset = payload.withObject("/datasets/1/properties");
            dataset.put("type", format);
            dataset.withObject("/typeProperties").retain("location");
            if (!format.equals("Json")) {
                dataset.withObject("/typeProperties")
                        .put(format.equals("Avro") ? "avroCompressionCodec" : "compressionCodec", "snappy");
            }
            payload.withObject("/activity/typeProperties/sink").put("type", format + "Sink");
            payload.withObject("/activity/typeProperties/sink/formatSettings")
                    .put("type", format + "WriteSettings")
                    .remove("fileExtension");

            HttpResponse<String> response = host.proxy("copy", "POST", payload.toString(), "");

            assertThat(response.statusCode())
                    .as("%s: %s", format, response.body())
                    .isEqualTo(200);
            assertThat(MAPPER.readTree(response.body()).path("rowsCopied").asLong())
                    .isEqualTo(300);
        }
    }

    @Test
    void theCopyFunctionIsHttpOnlySoTheHostProxiesIt() throws Exception {
        JsonNode bindings = host.function("copy").path("bindings");
        assertThat(bindings).hasSize(2);
        assertThat(bindings.get(0).path("type").asText()).isEqualTo("httpTrigger");
        assertThat(bindings.get(0).path("methods")).containsExactly(MAPPER.valueToTree("post"));
        assertThat(bindings.get(1).path("type").asText()).isEqualTo("http");
    }

    @Test
    void aProxiedCopyRequestCopiesAndAnswersTheStatistics() throws Exception {
        String table = "fa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'row ' || i AS name"
                + " FROM generate_series(1, 2500) i");
        String container = "fa-" + UUID.randomUUID().toString().substring(0, 8);
        String functionKey = "key-" + UUID.randomUUID();

        HttpResponse<String> response =
                host.proxy("copy", "POST", payload(table, container).toString(), functionKey);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode statistics = MAPPER.readTree(response.body());
        assertThat(statistics.path("rowsCopied").asLong()).isEqualTo(2500);
        assertThat(statistics.path("effectiveIntegrationRuntime").asText())
                .isEqualTo(
                        "pgferry (" + TestingFunctionsHost.SITE_NAME + ", " + TestingFunctionsHost.REGION_NAME + ")");
        assertThat(statistics.path("filesWritten").asInt()).isEqualTo(3);
        assertThat(azurite.container(container).listBlobs().stream()
                        .map(b -> b.getName())
                        .toList())
                .isEqualTo(List.of(
                        "exports/orders/_manifest.json",
                        "exports/orders/orders_00000.csv",
                        "exports/orders/orders_00001.csv",
                        "exports/orders/orders_00002.csv"));
        assertThat(host.log()).doesNotContain(functionKey).doesNotContain(postgres.password());
    }

    @Test
    void aBadRequestThroughTheHostGetsTheAdfErrorBody() throws Exception {
        ObjectNode payload = payload("t", "fa-bad");
        payload.withObject("/activity/typeProperties/sink/formatSettings").put("maxRowsPerFile", -1);

        HttpResponse<String> response = host.proxy("copy", "POST", payload.toString(), "key");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = MAPPER.readTree(response.body());
        assertThat(error.path("errorCode").asText()).isEqualTo("InvalidPayload");
        assertThat(error.path("details").get(0).path("pointer").asText())
                .isEqualTo("/activity/typeProperties/sink/formatSettings/maxRowsPerFile");
    }

    @Test
    void theTriggerFunctionsBindAsTheHostExpects() throws Exception {
        JsonNode queue = host.function("copyOnQueue").path("bindings").get(0);
        assertThat(queue.path("type").asText()).isEqualTo("queueTrigger");
        assertThat(queue.path("name").asText()).isEqualTo("message");
        JsonNode event = host.function("copyOnEvent").path("bindings").get(0);
        assertThat(event.path("type").asText()).isEqualTo("eventGridTrigger");
        assertThat(event.path("name").asText()).isEqualTo("event");
        JsonNode runs = host.function("runs").path("bindings").get(0);
        assertThat(runs.path("methods"))
                .containsExactlyInAnyOrder(
                        MAPPER.valueToTree("get"), MAPPER.valueToTree("post"), MAPPER.valueToTree("delete"));
        // Event Grid and SDK clients write plain JSON messages; the default base64 would refuse them.
        assertThat(host.hostJson()
                        .path("extensions")
                        .path("queues")
                        .path("messageEncoding")
                        .asText())
                .isEqualTo("none");
    }

    @Test
    void queueAndEventInvocationsCopyAndAnswerTheHostsResponseShape() throws Exception {
        String table = table(300);
        String queueContainer = "fa-" + UUID.randomUUID().toString().substring(0, 8);
        String messageId = UUID.randomUUID().toString();

        HttpResponse<String> queued = host.invoke(
                "copyOnQueue",
                HostInvocations.queue(payload(table, queueContainer).toString(), messageId, "AgAAAAMAAAAAAAAA", 1));

        assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
        assertThat(queued.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode answer = MAPPER.readTree(queued.body());
        assertThat(answer.has("Outputs")).isTrue();
        assertThat(answer.has("ReturnValue")).isTrue();
        assertThat(answer.path("Logs").get(0).asText()).contains(messageId).contains("Succeeded, 300 rows");
        assertThat(azurite.container(queueContainer).listBlobs().stream().count())
                .as("a file and its manifest")
                .isEqualTo(2);

        String eventContainer = "fa-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> event = host.invoke(
                "copyOnEvent",
                HostInvocations.event(
                        HostInvocations.cloudEvent(UUID.randomUUID().toString(), payload(table, eventContainer))));
        assertThat(event.statusCode()).as(event.body()).isEqualTo(200);
        assertThat(azurite.container(eventContainer).listBlobs().stream().count())
                .as("a file and its manifest")
                .isEqualTo(2);
    }

    @Test
    void theAsynchronousPatternWorksThroughTheHost() throws Exception {
        String container = "fa-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode payload = payload("unused", container);
        payload.withObject("/activity/typeProperties/source")
                .put("query", "SELECT i AS id, pg_sleep(0.3) FROM generate_series(1, 4) i");
        String functionKey = "key-" + UUID.randomUUID();

        HttpResponse<String> started = host.proxy("runs", "POST", payload.toString(), functionKey);

        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        URI location = URI.create(started.headers().firstValue("Location").orElseThrow());
        assertThat(location.getQuery()).isEqualTo("code=" + functionKey);
        HttpResponse<String> polled = started;
        for (int i = 0; i < 600 && polled.statusCode() == 202; i++) {
            Thread.sleep(100);
            polled = host.proxy(location, "GET", null, functionKey);
        }
        assertThat(polled.statusCode()).as(polled.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(polled.body()).path("rowsCopied").asLong()).isEqualTo(4);
        assertThat(host.log()).doesNotContain(functionKey);
    }

    @Test
    void theServedSwaggerDescribesOnlyRoutesTheAppExposes() throws Exception {
        HttpResponse<String> served = host.proxy(host.url("/openapi/swagger.json"), "GET", null, "");
        assertThat(served.statusCode()).isEqualTo(200);
        JsonNode swagger = MAPPER.readTree(served.body());
        assertThat(swagger.path("swagger").asText()).isEqualTo("2.0");
        assertThat(host.function("openapi")
                        .path("bindings")
                        .get(0)
                        .path("authLevel")
                        .asText())
                .isEqualTo("anonymous");

        // OpenAPI 3, converted from the same document: the same operations, every reference resolving.
        JsonNode openApi = MAPPER.readTree(
                host.proxy(host.url("/openapi/openapi.json"), "GET", null, "").body());
        assertThat(openApi.path("openapi").asText()).isEqualTo("3.0.3");
        assertThat(openApi.path("paths").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrderElementsOf(() -> swagger.path("paths").fieldNames());
        assertThat(openApi.at("/paths/~1runs/post/requestBody/content/application~1json/schema/$ref")
                        .asText())
                .isEqualTo("#/components/schemas/CopyPayload");
        assertThat(openApi.at("/paths/~1runs/post/responses/202/headers/Location/schema/type")
                        .asText())
                .isEqualTo("string");
        List<String> references = new java.util.ArrayList<>();
        openApi.findValues("$ref").forEach(ref -> references.add(ref.asText()));
        assertThat(references).isNotEmpty().allSatisfy(ref -> assertThat(
                        openApi.path("components").path("schemas").has(ref.replace("#/components/schemas/", "")))
                .as(ref)
                .isTrue());

        Map<String, List<String>> exposed = new java.util.HashMap<>();
        try (Stream<Path> folders = Files.list(host.appRoot())) {
            for (Path folder : folders.filter(f -> Files.exists(f.resolve("function.json")))
                    .toList()) {
                JsonNode trigger = host.function(folder.getFileName().toString())
                        .path("bindings")
                        .get(0);
                if (trigger.path("type").asText().equals("httpTrigger")) {
                    String route = "/" + trigger.path("route").asText().replace("?}", "}");
                    trigger.path("methods")
                            .forEach(m -> exposed.computeIfAbsent(route, r -> new java.util.ArrayList<>())
                                    .add(m.asText()));
                    // an optional trailing parameter also exposes the route without it
                    if (trigger.path("route").asText().endsWith("?}")) {
                        trigger.path("methods").forEach(m -> exposed.computeIfAbsent(
                                        route.replaceAll("/\\{[^}]*}$", ""), r -> new java.util.ArrayList<>())
                                .add(m.asText()));
                    }
                }
            }
        }
        List<String> documented = new java.util.ArrayList<>();
        swagger.path("paths")
                .fields()
                .forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
                    if (!method.equals("parameters")) {
                        documented.add(method + " " + path.getKey());
                    }
                }));
        assertThat(documented)
                .containsExactlyInAnyOrder(
                        "post /copy", "post /runs", "get /runs/{runId}", "delete /runs/{runId}", "post /pipelines");
        for (String operation : documented) {
            String[] parts = operation.split(" ");
            assertThat(exposed.getOrDefault(parts[1], List.of())).as(operation).contains(parts[0]);
        }
    }

    private String table(int rows) {
        String table = "fa_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'row ' || i AS name"
                + " FROM generate_series(1, " + rows + ") i");
        return table;
    }

    private ObjectNode payload(String table, String container) {
        return Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
    }
}
