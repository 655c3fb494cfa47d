package io.pgferry.pipeline;

import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Requests;
import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Pipelines of several activities through {@code POST /pipelines}: Lookup → Copy, a ForEach over tables found by a
 * Lookup on {@code information_schema}, conditions and variables, and refusals before anything runs. Outputs are read
 * back with DuckDB; the one-snapshot guarantee is checked against a write made while the run goes on.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class PipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSV = "header=true";

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void aLookupFeedsTheCopyAfterIt() throws Exception {
        String table = table("orders", 200);
        String container = container();
        ObjectNode request = request(container);
        ArrayNode activities = activities(request);
        activities.add(lookup("Highest", "SELECT max(id) - 50 AS upto, 'x' AS tag FROM " + table, true));
        ObjectNode copy = copy(
                "CopyRecent",
                "SELECT * FROM " + table + " WHERE id > @{activity('Highest').output.firstRow.upto}",
                "recent");
        copy.putArray("dependsOn")
                .addObject()
                .put("activity", "Highest")
                .putArray("dependencyConditions")
                .add("Succeeded");
        activities.add(copy);

        JsonNode run = post(request).statusCode(200).extract().as(JsonNode.class);

        assertThat(run.path("status").asText()).isEqualTo("Succeeded");
        assertThat(run.path("activityRuns")
                        .get(0)
                        .path("output")
                        .path("firstRow")
                        .path("upto")
                        .asInt())
                .isEqualTo(150);
        assertThat(run.path("activityRuns")
                        .get(1)
                        .path("output")
                        .path("rowsCopied")
                        .asInt())
                .isEqualTo(50);
        assertThat(CsvReader.read(azurite.download(container, "recent", downloads), CSV, "id::int"))
                .hasSize(50)
                .first()
                .satisfies(row -> assertThat(row.get(0)).isEqualTo("151"));
    }

    @ParameterizedTest(name = "batchCount {0}")
    @ValueSource(ints = {1, 2})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aForEachOverTablesReadsThemAllInOneSnapshot(int batchCount) throws Exception {
        String schema = "fe_" + suffix();
        postgres.execute("CREATE SCHEMA " + schema);
        for (String name : List.of("alpha", "beta", "gamma")) {
            postgres.execute(
                    "CREATE TABLE " + schema + "." + name + " (id int PRIMARY KEY, note text)",
                    "INSERT INTO " + schema + "." + name + " SELECT i, 'n' || i FROM generate_series(1, 100) i");
        }
        String container = container();
        ObjectNode request = request(container);
        ArrayNode activities = activities(request);
        activities.add(lookup(
                "Tables",
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema = '" + schema
                        + "' ORDER BY table_name",
                false));
        ObjectNode forEach = activities.addObject().put("name", "EachTable").put("type", "ForEach");
        forEach.putArray("dependsOn")
                .addObject()
                .put("activity", "Tables")
                .putArray("dependencyConditions")
                .add("Succeeded");
        ObjectNode settings = forEach.putObject("typeProperties");
        settings.putObject("items")
                .put("value", "@activity('Tables').output.value")
                .put("type", "Expression");
        settings.put("isSequential", batchCount == 1);
        settings.put("batchCount", batchCount);
        ArrayNode inner = settings.putArray("activities");
        inner.add(
                copy("CopyTable", "SELECT * FROM @{item().table_schema}.@{item().table_name}", "@{item().table_name}"));
        ObjectNode pause = inner.addObject().put("name", "Pause").put("type", "Wait");
        pause.putArray("dependsOn")
                .addObject()
                .put("activity", "CopyTable")
                .putArray("dependencyConditions")
                .add("Succeeded");
        pause.putObject("typeProperties").put("waitTimeInSeconds", 3);

        // While the run goes on, once the first table's files are committed, rows are added to every table.
        CompletableFuture<Instant> written = CompletableFuture.supplyAsync(() -> {
            while (!azurite.container(container).exists()
                    || azurite.container(container).listBlobs().stream()
                            .noneMatch(blob -> blob.getName().endsWith("_manifest.json"))) {
                pause();
            }
            for (String name : List.of("alpha", "beta", "gamma")) {
                postgres.execute(
                        "INSERT INTO " + schema + "." + name + " SELECT i, 'late' FROM generate_series(101, 110) i");
            }
            return Instant.now();
        });

        JsonNode run = post(request).statusCode(200).extract().as(JsonNode.class);

        assertThat(run.path("status").asText()).isEqualTo("Succeeded");
        Instant lastCopyStart = Instant.EPOCH;
        for (JsonNode activity : run.path("activityRuns")) {
            if (activity.path("activityName").asText().equals("CopyTable")) {
                Instant start = Instant.parse(activity.path("activityRunStart").asText());
                lastCopyStart = start.isAfter(lastCopyStart) ? start : lastCopyStart;
            }
        }
        // The late rows were committed before the last table was read: one snapshot keeps them out all the same.
        assertThat(written.get(1, TimeUnit.MINUTES)).isBefore(lastCopyStart);
        List<String> snapshots = new ArrayList<>();
        for (String name : List.of("alpha", "beta", "gamma")) {
            JsonNode manifest = JSON.readTree(azurite.container(container)
                    .getBlobClient(name + "/_manifest.json")
                    .downloadContent()
                    .toString());
            JsonNode source = manifest.path("source");
            snapshots.add(source.path("exportedSnapshot").asText() + " "
                    + source.path("snapshot").asText());
            assertThat(CsvReader.read(azurite.download(container, name, downloads), CSV, "id::int"))
                    .as(name)
                    .hasSize(100);
        }
        assertThat(snapshots).hasSize(3).allSatisfy(snapshot -> assertThat(snapshot)
                .isEqualTo(snapshots.get(0)));
        assertThat(run.path("snapshot").asText()).isEqualTo(snapshots.get(0).split(" ")[0]);

        // One manifest for the run, written last, lists every table's files under that one snapshot.
        String runId = run.path("runId").asText();
        assertThat(run.path("manifest").asText()).isEqualTo("pgferry-manifests/" + runId + ".json");
        JsonNode manifest = JSON.readTree(azurite.container("pgferry-manifests")
                .getBlobClient(runId + ".json")
                .downloadContent()
                .toString());
        assertThat(manifest.path("copies")).hasSize(3);
        assertThat(manifest.at("/totals/rows").asLong()).isEqualTo(300);
        List<String> listed = new ArrayList<>();
        for (JsonNode copy : manifest.path("copies")) {
            assertThat(copy.path("snapshot").asText())
                    .isEqualTo(run.path("snapshot").asText());
            copy.path("files").forEach(file -> listed.add(file.path("path").asText()));
        }
        List<String> committed = azurite.container(container).listBlobs().stream()
                .map(blob -> container + "/" + blob.getName())
                .filter(name -> !name.endsWith("_manifest.json"))
                .toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(committed);
    }

    @Test
    void anIncrementalCopyBetweenLookupsOfTheWatermarkPgferryKeeps() throws Exception {
        String table = table("events", 40);
        String key = "nightly/" + suffix();
        String container = container();
        ObjectNode request = request(container);
        request.withObject("/datasets/0/properties/typeProperties").put("tableName", table);
        ArrayNode activities = activities(request);
        activities.add(watermarkLookup("OldWatermark", key));
        ObjectNode copy = copy("CopyChanges", "unused", "@{pipeline().RunId}");
        ObjectNode source = copy.withObject("/typeProperties/source");
        source.remove("query");
        source.putObject("incremental").put("watermarkColumn", "id").put("stateKey", key);
        copy.putArray("dependsOn")
                .addObject()
                .put("activity", "OldWatermark")
                .putArray("dependencyConditions")
                .add("Succeeded");
        activities.add(copy);
        ObjectNode after = watermarkLookup("NewWatermark", key);
        after.putArray("dependsOn")
                .addObject()
                .put("activity", "CopyChanges")
                .putArray("dependencyConditions")
                .add("Succeeded");
        activities.add(after);

        JsonNode first = post(request).statusCode(200).extract().as(JsonNode.class);
        assertThat(first.path("status").asText()).isEqualTo("Succeeded");
        assertThat(output(first, "OldWatermark").has("firstRow")).isFalse();
        assertThat(output(first, "CopyChanges").path("rowsCopied").asLong()).isEqualTo(40);
        assertThat(output(first, "NewWatermark").at("/firstRow/high").asText()).isEqualTo("40");

        postgres.execute("INSERT INTO " + table + " SELECT i, 'later' FROM generate_series(41, 55) i");
        JsonNode second = post(request).statusCode(200).extract().as(JsonNode.class);
        assertThat(output(second, "OldWatermark").at("/firstRow/high").asText()).isEqualTo("40");
        assertThat(output(second, "CopyChanges").path("rowsCopied").asLong()).isEqualTo(15);
        assertThat(output(second, "NewWatermark").at("/firstRow/high").asText()).isEqualTo("55");
        List<List<String>> rows =
                CsvReader.read(azurite.download(container, second.path("runId").asText(), downloads), CSV, "id::int");
        assertThat(rows).extracting(row -> row.get(0)).first().isEqualTo("41");
        assertThat(rows).hasSize(15);
    }

    @Test
    void conditionsVariablesAndAHandledFailure() throws Exception {
        String table = table("flags", 5);
        String container = container();
        ObjectNode request = request(container);
        request.withObject("/pipeline/properties")
                .putObject("variables")
                .putObject("verdict")
                .put("type", "String");
        ArrayNode activities = activities(request);
        activities.add(lookup("Count", "SELECT count(*) AS n FROM " + table, true));
        ObjectNode branch = activities.addObject().put("name", "AnyRows").put("type", "IfCondition");
        branch.putArray("dependsOn")
                .addObject()
                .put("activity", "Count")
                .putArray("dependencyConditions")
                .add("Succeeded");
        ObjectNode condition = branch.putObject("typeProperties");
        condition
                .putObject("expression")
                .put("value", "@greater(activity('Count').output.firstRow.n, 3)")
                .put("type", "Expression");
        ObjectNode set = condition
                .putArray("ifTrueActivities")
                .addObject()
                .put("name", "SayMany")
                .put("type", "SetVariable");
        set.putObject("typeProperties")
                .put("variableName", "verdict")
                .put("value", "@concat('many:', string(activity('Count').output.firstRow.n))");
        ObjectNode broken = copy("CopyMissing", "SELECT * FROM no_such_table_" + suffix(), "missing");
        broken.putArray("dependsOn")
                .addObject()
                .put("activity", "AnyRows")
                .putArray("dependencyConditions")
                .add("Succeeded");
        activities.add(broken);
        ObjectNode onFailure = copy("CopyOnFailure", "SELECT '@{variables('verdict')}' AS verdict", "verdict");
        onFailure
                .putArray("dependsOn")
                .addObject()
                .put("activity", "CopyMissing")
                .putArray("dependencyConditions")
                .add("Failed");
        activities.add(onFailure);
        ObjectNode skipped = activities.addObject().put("name", "NeverRuns").put("type", "Wait");
        skipped.putArray("dependsOn")
                .addObject()
                .put("activity", "CopyMissing")
                .putArray("dependencyConditions")
                .add("Succeeded");
        skipped.putObject("typeProperties").put("waitTimeInSeconds", 1);

        JsonNode run = post(request).statusCode(200).extract().as(JsonNode.class);

        assertThat(run.path("status").asText()).isEqualTo("Succeeded");
        Map<String, String> statuses = new java.util.HashMap<>();
        run.path("activityRuns")
                .forEach(activity -> statuses.put(
                        activity.path("activityName").asText(),
                        activity.path("status").asText()));
        assertThat(statuses)
                .containsEntry("SayMany", "Succeeded")
                .containsEntry("CopyMissing", "Failed")
                .containsEntry("CopyOnFailure", "Succeeded")
                .containsEntry("NeverRuns", "Skipped");
        assertThat(CsvReader.read(azurite.download(container, "verdict", downloads), CSV, "length(verdict)"))
                .containsExactly(List.of("many:5"));
    }

    @Test
    void anActivityPgferryCannotRunIsRefusedBeforeAnythingRuns() {
        String container = container();
        ObjectNode request = request(container);
        ArrayNode activities = activities(request);
        activities.add(copy("CopyFirst", "SELECT 1 AS one", "first"));
        activities.addObject().put("name", "CallApi").put("type", "WebActivity");
        ObjectNode each = activities.addObject().put("name", "Each").put("type", "ForEach");
        each.putObject("typeProperties")
                .putArray("activities")
                .addObject()
                .put("name", "Proc")
                .put("type", "SqlServerStoredProcedure");

        String body = post(request)
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"))
                .extract()
                .asString();
        assertThat(body)
                .contains("/pipeline/properties/activities/1/type")
                .contains("/pipeline/properties/activities/2/typeProperties/activities/0/type");
        assertThat(azurite.container(container).exists()).isFalse();
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    private ObjectNode request(String container) {
        ObjectNode single = Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        "unused",
                        "CONTAINER",
                        container,
                        "PG_CONNECTION",
                        postgres.odbcConnectionString(),
                        "BLOB_CONNECTION",
                        azurite.connectionString()));
        ObjectNode request = JSON.createObjectNode();
        request.putObject("pipeline")
                .put("name", "Nightly")
                .putObject("properties")
                .putArray("activities");
        request.set("datasets", single.get("datasets"));
        request.set("linkedServices", single.get("linkedServices"));
        // The sink dataset's folder is the activity's to say.
        ObjectNode location = request.withObject("/datasets/1/properties/typeProperties/location");
        location.putObject("folderPath").put("value", "@dataset().folder").put("type", "Expression");
        request.withObject("/datasets/1/properties")
                .putObject("parameters")
                .putObject("folder")
                .put("type", "String");
        return request;
    }

    private static ArrayNode activities(ObjectNode request) {
        return (ArrayNode) request.at("/pipeline/properties/activities");
    }

    private static ObjectNode lookup(String name, String query, boolean firstRowOnly) {
        ObjectNode lookup = JSON.createObjectNode().put("name", name).put("type", "Lookup");
        ObjectNode settings = lookup.putObject("typeProperties");
        settings.putObject("source").put("type", "PostgreSqlSource").put("query", query);
        settings.putObject("dataset").put("referenceName", "OrdersTable").put("type", "DatasetReference");
        settings.put("firstRowOnly", firstRowOnly);
        return lookup;
    }

    private static ObjectNode watermarkLookup(String name, String stateKey) {
        ObjectNode lookup = JSON.createObjectNode().put("name", name).put("type", "Lookup");
        lookup.putObject("typeProperties")
                .putObject("source")
                .put("type", "PgferryWatermarkSource")
                .put("stateKey", stateKey);
        return lookup;
    }

    private static JsonNode output(JsonNode run, String activity) {
        for (JsonNode one : run.path("activityRuns")) {
            if (one.path("activityName").asText().equals(activity)) {
                return one.path("output");
            }
        }
        throw new AssertionError("no activity run " + activity + " in " + run);
    }

    private static ObjectNode copy(String name, String query, String folder) {
        ObjectNode copy = JSON.createObjectNode().put("name", name).put("type", "Copy");
        copy.putArray("inputs").addObject().put("referenceName", "OrdersTable").put("type", "DatasetReference");
        ObjectNode output = copy.putArray("outputs")
                .addObject()
                .put("referenceName", "OrdersCsv")
                .put("type", "DatasetReference");
        output.putObject("parameters").put("folder", folder);
        ObjectNode settings = copy.putObject("typeProperties");
        settings.putObject("source").put("type", "PostgreSqlSource").put("query", query);
        ObjectNode sink = settings.putObject("sink").put("type", "DelimitedTextSink");
        sink.putObject("storeSettings").put("type", "AzureBlobStorageWriteSettings");
        sink.putObject("formatSettings")
                .put("type", "DelimitedTextWriteSettings")
                .put("fileExtension", ".csv");
        return copy;
    }

    private String table(String prefix, int rows) {
        String table = prefix + "_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, note text)",
                "INSERT INTO " + table + " SELECT i, 'n' || i FROM generate_series(1, " + rows + ") i");
        return table;
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ValidatableResponse post(ObjectNode body) {
        return Requests.postJson("/pipelines", body);
    }

    private static String container() {
        return "p-" + suffix();
    }
}
