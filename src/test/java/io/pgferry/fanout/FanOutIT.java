package io.pgferry.fanout;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.queue.models.QueueMessageItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.HostInvocations;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Processes;
import io.pgferry.testing.QueueHost;
import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.Tables;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * A copy fanned out over the slice queue ({@code fanOut}), in one process: this instance plans it (POST /runs), the
 * test plays the Functions host's listener on {@code pgferry-slices} and delivers each slice message to
 * {@code /copySlice} as the host would, in any order and more than once. Nothing is visible until every slice is
 * reported; a slice that fails, a slice whose message is poisoned, and a cancel each end the copy with nothing
 * written.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class FanOutIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CSV = "header=true, delim=',', quote='\"', escape='\\', nullstr=''";
    private static final String FAN_OUT = "/activity/typeProperties/fanOut";

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();
    private final QueueHost slices = new QueueHost(azurite, "pgferry-slices", 5, FanOutIT::invokeSlice);

    @TempDir
    Path downloads;

    @BeforeEach
    void emptyQueues() {
        slices.queue().clearMessages();
        slices.poison().clearMessages();
    }

    @Test
    void everySliceIsCopiedOnceInOneSnapshotAndNothingIsVisibleBeforeTheLast() throws Exception {
        String table = table(20_000);
        String container = "fo-" + suffix();
        String location = start(payload(table, container, 4));

        // The first slice's message delivered twice (a host that died before deleting it): one report counts.
        QueueMessageItem first = await();
        ObjectNode invocation = invocation(first);
        Response once = invokeSliceResponse(invocation);
        assertThat(once.statusCode()).isEqualTo(200);
        assertThat(once.jsonPath().getString("Logs[0]")).endsWith("reported");
        Response twice = invokeSliceResponse(invocation);
        assertThat(twice.jsonPath().getString("Logs[0]")).endsWith("already_reported");
        slices.queue().deleteMessage(first.getMessageId(), first.getPopReceipt());
        deliver(2);
        assertThat(given().get(location).statusCode())
                .as("the run, one slice unreported")
                .isEqualTo(202);
        assertThat(azurite.names(container)).as("visible before the last slice").isEmpty();

        deliver(1);
        Response done = pollUntilNot202(location);
        assertThat(done.statusCode()).as(done.body().asString()).isEqualTo(200);
        JsonNode output = MAPPER.readTree(done.body().asString());
        assertThat(output.path("rowsCopied").asLong()).isEqualTo(20_000);
        assertThat(output.path("fanOut").path("slices").asInt()).isEqualTo(4);
        assertThat(output.path("fanOut").path("snapshotHeldSeconds").asDouble()).isPositive();
        assertThat(output.path("slices")).hasSize(4).allSatisfy(slice -> {
            assertThat(slice.path("instance").asText()).isNotEmpty();
            assertThat(slice.path("delivery").asInt()).isEqualTo(1);
        });

        JsonNode manifest = MAPPER.readTree(azurite.container(container)
                .getBlobClient("exports/orders/_manifest.json")
                .downloadContent()
                .toBytes());
        List<Path> files = azurite.download(container, "exports/orders/orders_", downloads);
        assertThat(files).hasSize(manifest.path("files").size()).hasSizeGreaterThanOrEqualTo(4 * 5);
        assertThat(CsvReader.read(files, CSV, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, List.of("id", "name"), "id"));
        assertThat(azurite.container("pgferry-fanout").listBlobs().stream()
                        .map(BlobItem::getName)
                        .filter(name -> name.startsWith(output.path("runId").asText() + "/")))
                .as("the plan and its reports, once the copy ended")
                .isEmpty();
    }

    @Test
    void aSliceThatFailsForGoodFailsTheCopyWithItsErrorAndNothingIsWritten() throws Exception {
        String table = table(20_000);
        // The last row, in the last slice's pages: a timestamp Parquet cannot hold.
        postgres.execute(
                "ALTER TABLE " + table + " ADD COLUMN at timestamptz DEFAULT now()",
                "UPDATE " + table + " SET at = 'infinity' WHERE id = 20000");
        String container = "fo-" + suffix();
        ObjectNode payload = payload(table, container, 4);
        ObjectNode dataset = payload.withObject("/datasets/1/properties");
        dataset.put("type", "Parquet");
        dataset.withObject("/typeProperties").retain("location");
        payload.withObject("/activity/typeProperties/sink").put("type", "ParquetSink");
        payload.withObject("/activity/typeProperties/sink/formatSettings")
                .put("type", "ParquetWriteSettings")
                .remove("fileExtension");
        String status = start(payload);

        deliver(4);
        Response failed = pollUntilNot202(status);
        assertThat(failed.statusCode()).as(failed.body().asString()).isEqualTo(400);
        assertThat(failed.jsonPath().getString("errorCode")).isEqualTo("ValueNotRepresentable");
        assertThat(failed.jsonPath().getString("message")).startsWith("slice ").contains("infinite timestamp");
        assertThat(azurite.names(container)).isEmpty();
    }

    @Test
    void aSliceWhoseMessageWasPoisonedFailsTheCopyNamingIt() throws Exception {
        String table = table(20_000);
        String container = "fo-" + suffix();
        String location = start(payload(table, container, 4));

        // Every delivery of this message died before it could report: the host moved it to the poison queue.
        QueueMessageItem lost = await();
        slices.poison().sendMessage(lost.getBody());
        slices.queue().deleteMessage(lost.getMessageId(), lost.getPopReceipt());
        int slice = MAPPER.readTree(lost.getBody().toString()).path("slice").asInt();

        Response failed = pollUntilNot202(location);
        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(failed.jsonPath().getString("errorCode")).isEqualTo("FanOutSliceLost");
        assertThat(failed.jsonPath().getString("message")).startsWith("slice " + slice + " ");
        // The other slices' messages find the copy ended and copy nothing.
        deliver(3);
        assertThat(azurite.names(container)).isEmpty();
    }

    @Test
    void aCancelledCopyStopsItsSlicesAndWritesNothing() throws Exception {
        String table = table(20_000);
        String container = "fo-" + suffix();
        String location = start(payload(table, container, 4));
        deliver(2);

        given().delete(location).then().statusCode(202);
        Response ended = pollUntilNot202(location);
        assertThat(ended.jsonPath().getString("errorCode")).isEqualTo("RunCancelled");
        QueueMessageItem late = await();
        ObjectNode invocation = invocation(late);
        assertThat(invokeSliceResponse(invocation).jsonPath().getString("Logs[0]"))
                .endsWith("copy_ended");
        assertThat(azurite.names(container)).isEmpty();
    }

    @Test
    void fanOutIsRefusedWhereItCannotWork() {
        String table = table(10);
        ObjectNode both = payload(table, "fo-" + suffix(), 4);
        both.withObject("/activity/typeProperties").put("parallelCopies", 2);
        post(both)
                .statusCode(400)
                .body("details[0].pointer", equalTo(FAN_OUT))
                .body("details[0].reason", containsString("parallelCopies"));

        ObjectNode none = payload(table, "fo-" + suffix(), 0);
        post(none).statusCode(400).body("details[0].pointer", equalTo(FAN_OUT + "/slices"));

        ObjectNode unknown = payload(table, "fo-" + suffix(), 2);
        unknown.withObject(FAN_OUT).put("instances", 3);
        post(unknown).statusCode(400).body("details[0].pointer", equalTo(FAN_OUT + "/instances"));

        ObjectNode hostile = HostInvocations.queue(
                "{\"runId\": \"../pgferry-runs/x\", \"plan\": \"0\", \"slice\": -1}", "m-1", "p-1", 1);
        Response refused = invokeSliceResponse(hostile);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.jsonPath().getList("details.pointer"))
                .containsExactly("/Data/message/runId", "/Data/message/plan", "/Data/message/slice");
    }

    private String table(int rows) {
        String table = "fanned_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text)",
                "INSERT INTO " + table + " SELECT i, md5(i::text) FROM generate_series(1, " + rows + ") i");
        return table;
    }

    private ObjectNode payload(String table, String container, int slices) {
        ObjectNode payload = Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
        payload.withObject("/activity/typeProperties").putObject("fanOut").put("slices", slices);
        return payload;
    }

    private static io.restassured.response.ValidatableResponse post(ObjectNode payload) {
        return given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/runs")
                .then();
    }

    private static String start(ObjectNode payload) {
        return post(payload).statusCode(202).extract().header("Location");
    }

    /** The next slice message, once the planning instance has sent it. */
    private QueueMessageItem await() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            QueueMessageItem message = slices.queue().receiveMessage();
            if (message != null) {
                return message;
            }
            Processes.sleep(50);
        }
        throw new AssertionError("no slice message within 60 s");
    }

    /** The host's invocation of {@code /copySlice} for the message. */
    private static ObjectNode invocation(QueueMessageItem message) {
        return HostInvocations.queue(
                message.getBody().toString(),
                message.getMessageId(),
                message.getPopReceipt(),
                message.getDequeueCount());
    }

    /** Delivers {@code count} slice messages as the host does, waiting for them to be sent. */
    private void deliver(int count) {
        List<Integer> statuses = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (statuses.size() < count && System.nanoTime() < deadline) {
            int status = slices.deliverNext();
            if (status == -1) {
                Processes.sleep(50);
            } else {
                statuses.add(status);
            }
        }
        assertThat(statuses).as("slice deliveries").hasSize(count).containsOnly(200);
    }

    private static Response pollUntilNot202(String location) {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().get(location);
            if (response.statusCode() != 202) {
                return response;
            }
            Processes.sleep(100);
        }
        throw new AssertionError("still 202 after 120 s: " + location);
    }

    private static int invokeSlice(ObjectNode invocation) {
        return invokeSliceResponse(invocation).statusCode();
    }

    /** The host's invocation POST: JSON, its own headers, no /api prefix. */
    private static Response invokeSliceResponse(ObjectNode invocation) {
        return given().contentType("application/json; charset=utf-8")
                .header("X-Azure-Functions-HostVersion", "4.1041.200.25071")
                .header(
                        "X-Azure-Functions-InvocationId",
                        java.util.UUID.randomUUID().toString())
                .header("User-Agent", "Azure-Functions-Host/4.1041.200.25071")
                .body(invocation.toString())
                .post("/copySlice");
    }
}
