package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * A copy's manifest: written beside the files once all of them are committed, listing each with its rows, bytes and
 * the MD5 of the bytes actually stored, plus where in the database's history the rows were read.
 */
@QuarkusTest
class ManifestIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path root;

    @Test
    void theManifestListsEveryCommittedBlobWithTheMd5BlobStorageKeepsAndTheReadsSnapshot() throws Exception {
        String table = table(2500);
        String container = "m-" + suffix();
        ObjectNode payload = payload(table, container);
        payload.withObject("/activity/typeProperties")
                .put("validateDataConsistency", true)
                .put("parallelCopies", 2);

        Response answer = post(payload);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.jsonPath().getString("manifest")).isEqualTo(container + "/exports/orders/_manifest.json");
        assertThat(answer.jsonPath().getString("dataConsistencyVerification.VerificationResult"))
                .isEqualTo("Verified");

        BlobContainerClient blobs = azurite.container(container);
        JsonNode manifest = JSON.readTree(blobs.getBlobClient("exports/orders/_manifest.json")
                .downloadContent()
                .toBytes());
        List<String> dataBlobs = new ArrayList<>();
        blobs.listBlobs().forEach(blob -> {
            if (!blob.getName().endsWith("/_manifest.json")) {
                dataBlobs.add(container + "/" + blob.getName());
            }
        });
        List<String> listed = new ArrayList<>();
        long rows = 0;
        for (JsonNode file : manifest.path("files")) {
            listed.add(file.path("path").asText());
            rows += file.path("rows").asLong();
            String name = file.path("path").asText().substring(container.length() + 1);
            byte[] stored = blobs.getBlobClient(name).downloadContent().toBytes();
            assertThat(file.path("bytes").asLong()).isEqualTo(stored.length);
            assertThat(file.path("md5").asText())
                    .isEqualTo(md5(stored))
                    .isEqualTo(Base64.getEncoder()
                            .encodeToString(
                                    blobs.getBlobClient(name).getProperties().getContentMd5()));
        }
        assertThat(listed)
                .containsExactlyInAnyOrderElementsOf(dataBlobs)
                .isEqualTo(answer.jsonPath().getList("files.path"));
        assertThat(rows).isEqualTo(2500);
        assertThat(manifest.path("runId").asText()).isEqualTo(answer.jsonPath().getString("runId"));
        assertThat(manifest.path("totals").path("rows").asLong()).isEqualTo(2500);
        assertThat(manifest.path("source").path("table").asText()).isEqualTo("\"" + table + "\"");
        assertThat(manifest.path("source").path("database").asText()).isEqualTo(TestingPostgres.DATABASE);
        assertThat(manifest.path("source").path("snapshot").asText()).matches("\\d+:\\d+:[\\d,]*");
        assertThat(manifest.path("source").path("walLsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
        assertThat(manifest.path("source").path("exportedSnapshot").asText()).isNotEmpty();
        assertThat(manifest.path("schema").path("columns").findValuesAsText("name"))
                .containsExactly("id", "name");
        assertThat(manifest.path("schema").path("sha256").asText()).hasSize(64);
        assertThat(manifest.toString()).doesNotContain(postgres.password());
    }

    @Test
    void aQueryIsNamedByItsHashAndTheManifestCanBeRenamedOrLeftOut() throws Exception {
        String table = table(10);
        String container = "m-" + suffix();
        ObjectNode renamed = payload(table, container);
        renamed.withObject("/activity/typeProperties/source").put("query", "SELECT * FROM " + table);
        renamed.withObject("/activity/typeProperties/sink")
                .putObject("manifest")
                .put("fileName", "_DONE.json");
        assertThat(post(renamed).jsonPath().getString("manifest")).isEqualTo(container + "/exports/orders/_DONE.json");
        JsonNode manifest = JSON.readTree(azurite.container(container)
                .getBlobClient("exports/orders/_DONE.json")
                .downloadContent()
                .toBytes());
        assertThat(manifest.path("source").has("table")).isFalse();
        assertThat(manifest.path("source").path("querySha256").asText()).hasSize(64);

        String without = "m-" + suffix();
        ObjectNode none = payload(table, without);
        none.withObject("/activity/typeProperties/sink").put("manifest", false);
        Response answer = post(none);
        assertThat(answer.jsonPath().getString("manifest")).isNull();
        assertThat(answer.jsonPath().getString("dataConsistencyVerification.VerificationResult"))
                .isEqualTo("NotVerified");
        assertThat(azurite.container(without).listBlobs().stream()
                        .map(blob -> blob.getName())
                        .toList())
                .containsExactly("exports/orders/orders_00000.csv");
    }

    @Test
    void aFileServerFolderGetsTheManifestRenamedIntoPlaceLastAndFilesAreReadBackWhenAsked() throws Exception {
        String table = table(1500);
        ObjectNode payload = payload(table, "unused");
        ObjectNode linkedService = payload.withObject("/linkedServices/1/properties");
        linkedService.put("type", "FileServer");
        linkedService.putObject("typeProperties").put("host", root.toString());
        payload.withObject("/datasets/1/properties/typeProperties/location")
                .put("type", "FileServerLocation")
                .remove("container");
        payload.withObject("/activity/typeProperties/sink/storeSettings").put("type", "FileServerWriteSettings");
        payload.withObject("/activity/typeProperties").put("validateDataConsistency", true);

        Response answer = post(payload);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.jsonPath().getString("dataConsistencyVerification.VerificationResult"))
                .isEqualTo("Verified");
        Path folder = root.resolve("exports/orders");
        JsonNode manifest = JSON.readTree(folder.resolve("_manifest.json").toFile());
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(file -> file.getFileName().toString()).sorted().toList())
                    .containsExactly("_manifest.json", "orders_00000.csv", "orders_00001.csv");
        }
        for (JsonNode file : manifest.path("files")) {
            assertThat(file.path("md5").asText())
                    .isEqualTo(md5(Files.readAllBytes(Path.of(file.path("path").asText()))));
        }
    }

    /**
     * A run killed while committing left some of its files (and no manifest); posted again with the same run id, it
     * leaves exactly its own output: the dead attempt's extra file is gone, another run's file stays.
     */
    @Test
    void aRetriedRunRemovesWhatItsDeadAttemptLeftAndNothingElse() throws Exception {
        String table = table(1500);
        String container = "m-" + suffix();
        String runId = "retried-" + suffix();
        BlobContainerClient blobs = azurite.container(container);
        blobs.create();
        blobs.getBlobClient("exports/orders/orders_00007.csv").upload(BinaryData.fromString("dead attempt\r\n"));
        blobs.getBlobClient("exports/orders/orders_00007.csv").setMetadata(Map.of("pgferry_run_id", runId));
        blobs.getBlobClient("exports/orders/other.csv").upload(BinaryData.fromString("another run\r\n"));
        blobs.getBlobClient("exports/orders/other.csv").setMetadata(Map.of("pgferry_run_id", "another"));
        ObjectNode payload = payload(table, container).put("runId", runId);

        assertThat(post(payload).statusCode()).isEqualTo(200);

        assertThat(blobs.listBlobs().stream().map(blob -> blob.getName()).toList())
                .containsExactly(
                        "exports/orders/_manifest.json",
                        "exports/orders/orders_00000.csv",
                        "exports/orders/orders_00001.csv",
                        "exports/orders/other.csv");
    }

    private String table(int rows) {
        String table = "manifest_" + suffix();
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'row ' || i AS name"
                + " FROM generate_series(1, " + rows + ") i");
        return table;
    }

    private ObjectNode payload(String table, String container) {
        return Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
    }

    private static Response post(ObjectNode payload) {
        return given().contentType(ContentType.JSON).body(payload.toString()).post("/copy");
    }

    private static String md5(byte[] bytes) throws Exception {
        return Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
