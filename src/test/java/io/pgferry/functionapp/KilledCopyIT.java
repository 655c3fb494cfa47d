package io.pgferry.functionapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.FaultProxy;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingFunctionsHost;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;

/**
 * The function killed (SIGKILL) in the middle of a copy, then the same run id posted to a new instance: the dead
 * attempt left nothing visible (its blocks were staged, never committed), and the retry leaves exactly one complete
 * output with its manifest. The kill comes once the first block has gone up (seen by a proxy before Azurite).
 */
@Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class KilledCopyIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ROWS = 300_000;

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @Test
    void aRunKilledMidCopyAndPostedAgainLeavesExactlyOneCompleteOutput() throws Exception {
        String table = "killed_" + suffix();
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, md5(i::text) AS name"
                + " FROM generate_series(1, " + ROWS + ") i");
        String container = "kc-" + suffix();
        String runId = "killed-" + suffix();
        Path app = app();

        try (FaultProxy blobs =
                FaultProxy.http(java.net.URI.create(azurite.blobEndpoint()).getPort())) {
            ObjectNode payload = payload(
                    table,
                    container,
                    runId,
                    azurite.connectionString()
                            .replace(
                                    azurite.blobEndpoint(),
                                    "http://" + blobs.host() + ":" + blobs.port() + "/" + TestingAzurite.ACCOUNT));
            TestingFunctionsHost first = TestingFunctionsHost.start(app, Map.of());
            try {
                CompletableFuture.runAsync(() -> post(first, payload));
                FaultProxy.await(
                        () -> blobs.requests(FaultProxy.blockUpload()) > 0,
                        Duration.ofMinutes(3),
                        () -> "no block went up");
                first.kill();
            } finally {
                first.close();
            }
        }
        assertThat(azurite.names(container))
                .as("what the killed attempt left visible")
                .isEmpty();

        TestingFunctionsHost second = TestingFunctionsHost.start(app, Map.of());
        try {
            HttpResponse<String> answer = post(second, payload(table, container, runId, azurite.connectionString()));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(MAPPER.readTree(answer.body()).path("rowsCopied").asLong())
                    .isEqualTo(ROWS);
        } finally {
            second.close();
        }
        JsonNode manifest = MAPPER.readTree(azurite.container(container)
                .getBlobClient("exports/orders/_manifest.json")
                .downloadContent()
                .toBytes());
        assertThat(manifest.path("runId").asText()).isEqualTo(runId);
        assertThat(manifest.path("totals").path("rows").asLong()).isEqualTo(ROWS);
        assertThat(azurite.names(container))
                .containsExactly("exports/orders/_manifest.json", "exports/orders/orders_00000.csv");
    }

    private static HttpResponse<String> post(TestingFunctionsHost host, ObjectNode payload) {
        try {
            return host.proxy("copy", "POST", payload.toString(), "key");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One file (no chunking), 4 MiB blocks, so a block goes up long before the copy ends. */
    private ObjectNode payload(String table, String container, String runId, String blobConnection) {
        ObjectNode payload = Payloads.tableToCsv(table, container, postgres, blobConnection);
        payload.put("runId", runId);
        payload.withObject("/activity/typeProperties/sink/formatSettings").remove("maxRowsPerFile");
        payload.withObject("/activity/typeProperties/sink/storeSettings").put("blockSizeInMB", 4);
        return payload;
    }

    private static Path app() throws Exception {
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            return built.filter(p -> p.getFileName().toString().endsWith("-function-app") && Files.isDirectory(p))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/*-function-app"));
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }
}
