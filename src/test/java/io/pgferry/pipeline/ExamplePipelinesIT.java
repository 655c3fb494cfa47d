package io.pgferry.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The pipelines in {@code examples/} run as README says, against a database loaded with {@code examples/orders.sql}
 * (its own, so the ForEach sees only the sample's tables): only the connection strings are the test servers', and the
 * incremental example's state key is made unique so reruns start afresh.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class ExamplePipelinesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @Test
    void theForEachExampleExportsEveryTableOfTheSampleInOneSnapshot() throws Exception {
        ObjectNode request = example("pipeline-foreach-tables.json", sample());

        JsonNode run = post(request);

        assertThat(run.path("status").asText()).isEqualTo("Succeeded");
        JsonNode manifest = manifest(run);
        assertThat(manifest.at("/totals/copies").asInt()).isEqualTo(3);
        assertThat(manifest.at("/totals/rows").asLong()).isEqualTo(100_000 + 5_000 + 97);
        for (JsonNode copy : manifest.path("copies")) {
            assertThat(copy.path("snapshot").asText())
                    .isEqualTo(run.path("snapshot").asText());
        }
    }

    @Test
    void theIncrementalExampleCopiesOnlyWhatChangedSinceItsLastRun() throws Exception {
        String database = sample();
        ObjectNode request = example("pipeline-incremental.json", database);
        String key = "shop/customers/" + UUID.randomUUID();
        request.withObject("/pipeline/properties/activities/0/typeProperties/source")
                .put("stateKey", key);
        request.withObject("/pipeline/properties/activities/1/typeProperties/source/incremental")
                .put("stateKey", key);
        request.withObject("/pipeline/properties/activities/2/typeProperties/source")
                .put("stateKey", key);

        JsonNode first = post(request);
        assertThat(first.at("/activityRuns/1/output/rowsCopied").asLong()).isEqualTo(5000);
        assertThat(first.at("/activityRuns/2/output/firstRow/high").asText()).isEqualTo("2026-07-28 08:00:00+00");

        postgres.executeIn(database, "UPDATE customers SET updated_at = now() WHERE id = 7");
        JsonNode second = post(request);
        assertThat(second.at("/activityRuns/0/output/firstRow/high").asText()).isEqualTo("2026-07-28 08:00:00+00");
        assertThat(second.at("/activityRuns/1/output/rowsCopied").asLong()).isEqualTo(1);
    }

    private String sample() throws Exception {
        String name = "sample_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        postgres.createDatabase(name);
        postgres.executeIn(name, Files.readString(Path.of("examples/orders.sql")));
        return name;
    }

    private ObjectNode example(String file, String database) throws Exception {
        ObjectNode request =
                (ObjectNode) JSON.readTree(Path.of("examples", file).toFile());
        request.withObject("/linkedServices/0/properties/typeProperties/connectionString")
                .put("value", postgres.odbcConnectionString(database));
        request.withObject("/linkedServices/1/properties/typeProperties/connectionString")
                .put("value", azurite.connectionString());
        return request;
    }

    private JsonNode manifest(JsonNode run) throws Exception {
        String path = run.path("manifest").asText();
        assertThat(path).startsWith("pgferry-manifests/");
        return JSON.readTree(azurite.container("pgferry-manifests")
                .getBlobClient(path.substring("pgferry-manifests/".length()))
                .downloadContent()
                .toString());
    }

    private static JsonNode post(ObjectNode request) {
        return given().contentType(ContentType.JSON)
                .body(request.toString())
                .post("/pipelines")
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class);
    }
}
