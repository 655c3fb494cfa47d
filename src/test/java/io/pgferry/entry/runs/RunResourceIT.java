package io.pgferry.entry.runs;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.AsyncRuns;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The asynchronous pattern as Logic Apps drives it: 202 with an absolute, self-authorising Location and Retry-After;
 * 202 on every poll while the copy runs; then 200 with the copy output, or the error. DELETE cancels.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class RunResourceIT {
    private static final String KEY = "test-function-key";
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @Test
    void aStartedRunAnswers202UntilItEndsThen200WithTheCopyOutput() {
        String container = "r-" + suffix();
        ObjectNode payload = payload("SELECT i AS id, pg_sleep(0.4) FROM generate_series(1, 5) i", container);

        Response started = given().contentType(ContentType.JSON)
                .header("x-functions-key", KEY)
                .body(payload.toString())
                .post("/runs");
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.header("Location");
        assertThat(location).matches("http://localhost:\\d+/runs/[0-9a-f-]{36}\\?code=" + KEY);
        assertThat(started.header("Retry-After")).isEqualTo("20");
        assertThat(started.jsonPath().getString("status")).isEqualTo("InProgress");

        Response polled = given().get(location);
        assertThat(polled.statusCode()).isEqualTo(202);
        assertThat(polled.header("Location")).isEqualTo(location);
        assertThat(polled.jsonPath().getString("runId"))
                .isEqualTo(started.jsonPath().getString("runId"));

        Response done = AsyncRuns.pollUntilNot202(location);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.jsonPath().getInt("rowsCopied")).isEqualTo(5);
        assertThat(done.jsonPath().getString("runId"))
                .isEqualTo(started.jsonPath().getString("runId"));
        assertThat(azurite.container(container).listBlobs().stream()
                        .map(blob -> blob.getName())
                        .toList())
                .containsExactly("exports/orders/_manifest.json", "exports/orders/orders_00000.csv");
    }

    @Test
    void deleteCancelsTheQueryAndTheRunEndsCancelledWithNothingWritten() {
        String container = "r-" + suffix();
        // An hour's query: only a cancel on the server ends it within the poll's patience.
        ObjectNode payload = payload("SELECT i AS id, pg_sleep(60) FROM generate_series(1, 60) i", container);
        String location = given().contentType(ContentType.JSON)
                .queryParam("code", KEY)
                .body(payload.toString())
                .post("/runs")
                .then()
                .statusCode(202)
                .extract()
                .header("Location");

        given().delete(location).then().statusCode(202).body("status", equalTo("Canceling"));

        Response ended = AsyncRuns.pollUntilNot202(location);
        assertThat(ended.statusCode()).isEqualTo(400);
        assertThat(ended.jsonPath().getString("errorCode")).isEqualTo("RunCancelled");
        assertThat(
                        azurite.container(container).exists()
                                ? azurite.container(container).listBlobs().stream()
                                        .count()
                                : 0)
                .isZero();
        // A finished run answers DELETE as it answers GET.
        given().delete(location).then().statusCode(400).body("errorCode", equalTo("RunCancelled"));
    }

    @Test
    void aCancelRequestWrittenByAnotherInstanceStopsTheRunAtItsNextHeartbeat() throws Exception {
        String container = "r-" + suffix();
        ObjectNode payload = payload("SELECT i AS id, pg_sleep(0.5) FROM generate_series(1, 60) i", container);
        Response started =
                given().contentType(ContentType.JSON).body(payload.toString()).post("/runs");
        String runId = started.jsonPath().getString("runId");

        // Another instance's DELETE: only the record changes; this instance learns of it from its heartbeat.
        var blob = azurite.container("pgferry-runs").getBlobClient(runId + ".json");
        ObjectNode record = (ObjectNode) MAPPER.readTree(blob.downloadContent().toBytes());
        record.put("status", "Canceling");
        blob.upload(com.azure.core.util.BinaryData.fromString(record.toString()), true);

        Response ended = AsyncRuns.pollUntilNot202(started.header("Location"));
        assertThat(ended.statusCode()).isEqualTo(400);
        assertThat(ended.jsonPath().getString("errorCode")).isEqualTo("RunCancelled");
        assertThat(MAPPER.readTree(blob.downloadContent().toBytes())
                        .path("status")
                        .asText())
                .isEqualTo("Cancelled");
    }

    @Test
    void aRunWhoseInstanceStoppedHeartbeatingIsAnsweredAsAbandonedNotPolledForever() {
        String runId = "orphan-" + suffix();
        String anHourAgo = java.time.Instant.now().minusSeconds(3600).toString();
        azurite.container("pgferry-runs").createIfNotExists();
        azurite.container("pgferry-runs")
                .getBlobClient(runId + ".json")
                .upload(
                        com.azure.core.util.BinaryData.fromString(
                                "{\"runId\":\"" + runId + "\",\"status\":\"InProgress\",\"trigger\":\"http\","
                                        + "\"startedAt\":\"" + anHourAgo + "\",\"updatedAt\":\"" + anHourAgo + "\","
                                        + "\"rowsCopied\":10,\"estimatedRows\":-1,\"httpStatus\":0}"),
                        true);

        given().get("/runs/" + runId)
                .then()
                .statusCode(502)
                .body("errorCode", equalTo("RunAbandoned"))
                .body("failureType", equalTo("SystemError"));
    }

    @Test
    void anInvalidPayloadIsRefusedAtOnceAndAnUnknownRunIs404() {
        ObjectNode payload = payload("SELECT 1", "r-" + suffix());
        payload.withObject("/activity/typeProperties").put("parallelCopies", 0);
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/runs")
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"))
                .body("details[0].pointer", equalTo("/activity/typeProperties/parallelCopies"));
        given().contentType(ContentType.JSON)
                .body("{not json")
                .post("/runs")
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("MalformedJson"));
        given().get("/runs/" + UUID.randomUUID()).then().statusCode(404).body("errorCode", equalTo("RunNotFound"));
    }

    @Test
    void aFailedRunAnswersTheCopysErrorWithItsStatus() {
        String location = given().contentType(ContentType.JSON)
                .body(payload("SELECT * FROM no_such_table_" + suffix(), "r-" + suffix())
                        .toString())
                .post("/runs")
                .then()
                .statusCode(202)
                .extract()
                .header("Location");
        Response ended = AsyncRuns.pollUntilNot202(location);
        assertThat(ended.statusCode()).isEqualTo(400);
        assertThat(ended.jsonPath().getString("errorCode")).isEqualTo("SourceObjectNotFound");
        assertThat(ended.jsonPath().getString("failureType")).isEqualTo("UserError");
    }

    private ObjectNode payload(String query, String container) {
        ObjectNode payload = Payloads.load(
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
        payload.withObject("/activity/typeProperties/source").put("query", query);
        return payload;
    }
}
