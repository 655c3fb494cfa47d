package io.pgferry.entry;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.HostInvocations;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.QueueHost;
import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The queue and Event Grid triggers as the Functions host drives them (its exact invocation bodies), against a real
 * Azurite queue, with run records in Azurite: a copy per message or event, once however often it is delivered, and
 * failures retried until the poison queue.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class TriggersIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CSV = "header=true, delim=',', quote='\"', escape='\\', nullstr=''";

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void aQueuedPayloadCopiesOnceHoweverOftenTheMessageIsDelivered() throws Exception {
        String table = table(1500);
        String container = "q-" + suffix();
        QueueHost host = new QueueHost(azurite, "copies-" + suffix(), 5, TriggersIT::invokeQueue);
        host.queue().sendMessage(payload(table, container).toString());

        // The host's first delivery, and the same invocation again (a host that crashed before deleting it).
        var message = host.queue().receiveMessage();
        ObjectNode invocation = HostInvocations.queue(
                message.getBody().toString(),
                message.getMessageId(),
                message.getPopReceipt(),
                message.getDequeueCount());
        Response first = invoke("/copyOnQueue", invocation);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.contentType()).startsWith("application/json");
        assertThat(first.jsonPath().getString("Logs[0]"))
                .contains("run " + message.getMessageId())
                .contains("Succeeded, 1500 rows");
        assertThat(first.jsonPath().getMap("Outputs")).isEmpty();
        String etag = azurite.container(container)
                .getBlobClient("exports/orders/orders_00000.csv")
                .getProperties()
                .getETag();

        Response again = invoke(
                "/copyOnQueue",
                HostInvocations.queue(
                        message.getBody().toString(), message.getMessageId(), message.getPopReceipt(), 2));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.jsonPath().getString("Logs[0]")).contains("Succeeded, 1500 rows");
        assertThat(azurite.container(container)
                        .getBlobClient("exports/orders/orders_00000.csv")
                        .getProperties()
                        .getETag())
                .as("not copied again")
                .isEqualTo(etag);
        assertThat(CsvReader.read(azurite.download(container, "", downloads), CSV, "id"))
                .hasSize(1500);

        JsonNode record = runRecord(message.getMessageId());
        assertThat(record.path("status").asText()).isEqualTo("Succeeded");
        assertThat(record.path("trigger").asText()).isEqualTo("queue");
        assertThat(record.path("output").path("rowsCopied").asLong()).isEqualTo(1500);
    }

    @Test
    void theQueueHostDeletesACopiedMessage() throws Exception {
        String table = table(10);
        String container = "q-" + suffix();
        QueueHost host = new QueueHost(azurite, "copies-" + suffix(), 5, TriggersIT::invokeQueue);
        ObjectNode payload = payload(table, container).put("runId", "explicit-" + suffix());
        host.queue().sendMessage(payload.toString());
        // A second message with the same explicit run id copies nothing more.
        host.queue().sendMessage(payload.toString());

        assertThat(host.drain()).isEqualTo(2);
        assertThat(host.queue().getProperties().getApproximateMessagesCount()).isZero();
        assertThat(host.poison().peekMessage()).isNull();
        assertThat(runRecord(payload.path("runId").asText()).path("status").asText())
                .isEqualTo("Succeeded");
        assertThat(azurite.download(container, "", downloads)).hasSize(1);
    }

    @Test
    void aFailingCopyIsRetriedByTheHostThenPoisonedAndItsRecordSaysWhy() throws Exception {
        String container = "q-" + suffix();
        QueueHost host = new QueueHost(azurite, "copies-" + suffix(), 5, TriggersIT::invokeQueue);
        ObjectNode payload = payload("no_such_table_" + suffix(), container).put("runId", "failing-" + suffix());
        host.queue().sendMessage(payload.toString());

        assertThat(host.drain()).as("deliveries").isEqualTo(5);
        assertThat(host.poison().peekMessage().getBody().toString()).isEqualTo(payload.toString());
        JsonNode record = runRecord(payload.path("runId").asText());
        assertThat(record.path("status").asText()).isEqualTo("Failed");
        assertThat(record.path("error").path("errorCode").asText()).isEqualTo("SourceObjectNotFound");
        assertThat(azurite.container(container).exists()).isFalse();
    }

    @Test
    void aRunAliveElsewhereIsAConflictButOneWhoseInstanceDiedIsTakenOver() throws Exception {
        String table = table(5);
        String container = "q-" + suffix();
        String runId = "held-" + suffix();
        ObjectNode payload = payload(table, container).put("runId", runId);
        azurite.container("pgferry-runs").createIfNotExists();
        var blob = azurite.container("pgferry-runs").getBlobClient(runId + ".json");
        String now = java.time.Instant.now().toString();
        blob.upload(
                BinaryData.fromString("{\"runId\":\"" + runId + "\",\"status\":\"InProgress\",\"trigger\":"
                        + "\"queue\",\"startedAt\":\"" + now + "\",\"updatedAt\":\"" + now + "\",\"rowsCopied\":0,"
                        + "\"estimatedRows\":-1,\"httpStatus\":0}"),
                true);

        invoke(
                        "/copyOnQueue",
                        HostInvocations.queue(
                                payload.toString(), UUID.randomUUID().toString(), "pr", 1))
                .then()
                .statusCode(409)
                .body("errorCode", equalTo("RunInProgress"));
        assertThat(azurite.container(container).exists()).isFalse();

        String anHourAgo = java.time.Instant.now().minusSeconds(3600).toString();
        blob.upload(BinaryData.fromString(blob.downloadContent().toString().replace(now, anHourAgo)), true);
        invoke(
                        "/copyOnQueue",
                        HostInvocations.queue(
                                payload.toString(), UUID.randomUUID().toString(), "pr", 2))
                .then()
                .statusCode(200)
                .body("Logs[0]", containsString("Succeeded, 5 rows"));
    }

    @Test
    void aMessageMayNameAPayloadBlobAndABadMessageNamesTheField() throws Exception {
        String table = table(20);
        String container = "q-" + suffix();
        String payloads = "payloads-" + suffix();
        azurite.container(payloads).create();
        azurite.container(payloads)
                .getBlobClient("daily/orders.json")
                .upload(BinaryData.fromString(payload(table, container).toString()));

        invoke(
                        "/copyOnQueue",
                        HostInvocations.queue(
                                "{\"payloadBlob\": \"" + payloads + "/daily/orders.json\"}",
                                UUID.randomUUID().toString(),
                                "pr",
                                1))
                .then()
                .statusCode(200);
        assertThat(azurite.download(container, "", downloads)).hasSize(1);

        invoke(
                        "/copyOnQueue",
                        HostInvocations.queue(
                                "{\"payloadBlob\": \"" + payloads + "/missing.json\"}",
                                UUID.randomUUID().toString(),
                                "pr",
                                1))
                .then()
                .statusCode(400)
                .body("details[0].pointer", equalTo("/Data/message/payloadBlob"))
                .body("details[0].reason", containsString("does not exist"));
        invoke(
                        "/copyOnQueue",
                        HostInvocations.queue("not json", UUID.randomUUID().toString(), "pr", 1))
                .then()
                .statusCode(400)
                .body("details[0].pointer", equalTo("/Data/message"));
    }

    @Test
    void aBlobCreatedEventRunsThePayloadInTheBlobOnceAndAnAnnouncedEmptyFileIsSkipped() throws Exception {
        String table = table(30);
        String container = "e-" + suffix();
        String payloads = "payloads-" + suffix();
        azurite.container(payloads).create();
        var blob = azurite.container(payloads).getBlobClient("incoming/copy.json");
        blob.upload(BinaryData.fromString(payload(table, container).toString()));
        String id = UUID.randomUUID().toString();

        invoke("/copyOnEvent", HostInvocations.event(HostInvocations.blobCreated(id, blob.getBlobUrl(), "PutBlob")))
                .then()
                .statusCode(200)
                .body("Logs[0]", containsString("Succeeded, 30 rows"));
        String etag = azurite.container(container)
                .getBlobClient("exports/orders/orders_00000.csv")
                .getProperties()
                .getETag();
        invoke("/copyOnEvent", HostInvocations.event(HostInvocations.blobCreated(id, blob.getBlobUrl(), "PutBlob")))
                .then()
                .statusCode(200);
        assertThat(azurite.container(container)
                        .getBlobClient("exports/orders/orders_00000.csv")
                        .getProperties()
                        .getETag())
                .isEqualTo(etag);
        assertThat(runRecord(id).path("trigger").asText()).isEqualTo("event");

        invoke(
                        "/copyOnEvent",
                        HostInvocations.event(HostInvocations.blobCreated(
                                UUID.randomUUID().toString(), blob.getBlobUrl(), "CreateFile")))
                .then()
                .statusCode(200)
                .body("Logs[0]", containsString("nothing to copy"));
    }

    @Test
    void aCustomCloudEventCarriesThePayloadInItsData() throws Exception {
        String table = table(40);
        String container = "e-" + suffix();
        String id = "event/" + suffix();

        invoke("/copyOnEvent", HostInvocations.event(HostInvocations.cloudEvent(id, payload(table, container))))
                .then()
                .statusCode(200)
                .body("Logs[0]", containsString("Succeeded, 40 rows"));
        assertThat(CsvReader.read(azurite.download(container, "", downloads), CSV, "id"))
                .hasSize(40);

        ObjectNode broken = payload(table, container);
        broken.withObject("/activity/typeProperties").put("parallelCopies", 0);
        invoke("/copyOnEvent", HostInvocations.event(HostInvocations.cloudEvent(suffix(), broken)))
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"))
                .body("details[0].pointer", equalTo("/activity/typeProperties/parallelCopies"));
    }

    @Test
    void aDirectWebhookAnswersBothHandshakes() {
        given().header("WebHook-Request-Origin", "eventgrid.azure.net")
                .header("WebHook-Request-Rate", "120")
                .options("/events")
                .then()
                .statusCode(200)
                .header("WebHook-Allowed-Origin", "eventgrid.azure.net")
                .header("WebHook-Allowed-Rate", "*")
                .header("Allow", containsString("POST"));
        given().options("/events").then().statusCode(400);

        String validation = "[{\"id\": \"" + UUID.randomUUID() + "\", \"topic\": \"/subscriptions/x\","
                + " \"subject\": \"\", \"data\": {\"validationCode\": \"512d38b6-c7b8-40c8-89fe-f46f9e9622b6\","
                + " \"validationUrl\": \"https://rp-eastus2.eventgrid.azure.net:553/eventsubscriptions/x/validate\"},"
                + " \"eventType\": \"Microsoft.EventGrid.SubscriptionValidationEvent\","
                + " \"eventTime\": \"2026-11-24T10:00:00Z\", \"metadataVersion\": \"1\", \"dataVersion\": \"1\"}]";
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "SubscriptionValidation")
                .body(validation)
                .post("/events")
                .then()
                .statusCode(200)
                .body("validationResponse", equalTo("512d38b6-c7b8-40c8-89fe-f46f9e9622b6"));
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Something")
                .body("[]")
                .post("/events")
                .then()
                .statusCode(400);
    }

    @Test
    void aDirectWebhookStartsEachEventsCopyAndAnswers202WithinEventGridsPatience() throws Exception {
        String table = table(60);
        String first = "w-" + suffix();
        String second = "w-" + suffix();
        ArrayNode batch = MAPPER.createArrayNode();
        for (String container : List.of(first, second)) {
            ObjectNode event = batch.addObject()
                    .put("id", UUID.randomUUID().toString())
                    .put("topic", "/custom")
                    .put("subject", "copies")
                    .put("eventType", "Pgferry.CopyRequested")
                    .put("eventTime", "2026-11-24T10:00:00Z")
                    .put("dataVersion", "1")
                    .put("metadataVersion", "1");
            event.set("data", payload(table, container));
        }

        Response accepted = given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .header("aeg-delivery-count", "0")
                .body(batch.toString())
                .post("/events");
        assertThat(accepted.statusCode()).isEqualTo(202);
        List<String> runIds = accepted.jsonPath().getList("runs");
        assertThat(runIds)
                .containsExactly(
                        batch.get(0).path("id").asText(),
                        batch.get(1).path("id").asText());
        for (String runId : runIds) {
            awaitStatus(runId, "Succeeded");
        }
        assertThat(azurite.download(first, "", downloads)).hasSize(1);
        assertThat(azurite.download(second, "", downloads)).hasSize(1);

        // A CloudEvent on its own, as CloudEvents subscriptions deliver it.
        String third = "w-" + suffix();
        String cloudEvent = HostInvocations.cloudEvent("ce-" + suffix(), payload(table, third))
                .toString();
        String runId = given().contentType("application/cloudevents+json; charset=utf-8")
                .body(cloudEvent)
                .post("/events")
                .then()
                .statusCode(202)
                .extract()
                .path("runs[0]");
        awaitStatus(runId, "Succeeded");

        // One event without a payload refuses the whole delivery (Event Grid dead-letters a 400) and starts nothing.
        ArrayNode bad = MAPPER.createArrayNode();
        bad.add(((ObjectNode) batch.get(0).deepCopy()).put("id", "fresh-" + suffix()));
        bad.addObject()
                .put("id", "empty-" + suffix())
                .put("eventType", "Pgferry.CopyRequested")
                .put("data", "x");
        given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .body(bad.toString())
                .post("/events")
                .then()
                .statusCode(400)
                .body("details[0].pointer", equalTo("/1/data"));
        assertThat(azurite.container("pgferry-runs")
                        .getBlobClient(bad.get(0).path("id").asText() + ".json")
                        .exists())
                .isFalse();
    }

    private void awaitStatus(String runId, String status) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = runRecord(runId).path("status").asText();
            if (seen.equals(status)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " is " + seen + ", not " + status);
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    private static int invokeQueue(ObjectNode invocation) {
        return invoke("/copyOnQueue", invocation).statusCode();
    }

    /** The host's invocation POST: JSON, its own headers, no /api prefix. */
    private static Response invoke(String path, ObjectNode invocation) {
        return given().contentType("application/json; charset=utf-8")
                .header("X-Azure-Functions-HostVersion", "4.1041.200.25071")
                .header("X-Azure-Functions-InvocationId", UUID.randomUUID().toString())
                .header("User-Agent", "Azure-Functions-Host/4.1041.200.25071")
                .body(invocation.toString().getBytes(StandardCharsets.UTF_8))
                .post(path);
    }

    private JsonNode runRecord(String runId) throws Exception {
        return MAPPER.readTree(azurite.container("pgferry-runs")
                .getBlobClient(runId + ".json")
                .downloadContent()
                .toBytes());
    }

    private ObjectNode payload(String table, String container) {
        return Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
    }

    private String table(int rows) {
        String table = "trig_" + suffix();
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'row ' || i AS name, now() AS at"
                + " FROM generate_series(1, " + rows + ") i");
        return table;
    }
}
