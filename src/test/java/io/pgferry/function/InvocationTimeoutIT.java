package io.pgferry.function;

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
import io.pgferry.testing.TestLog;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A copy the caller waits for ends by pgferry's own deadline, below the host's functionTimeout, so the host never
 * restarts the handler (and every copy in flight) over it; asynchronous runs have no such deadline.
 */
@QuarkusTest
@TestProfile(InvocationTimeoutIT.ShortInvocations.class)
@QuarkusTestResource(StorageTestResource.class)
class InvocationTimeoutIT {
    private final TestingAzurite azurite = TestingServers.azurite();

    public static final class ShortInvocations implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgferry.invocation.timeout", "2s", "pgferry.log.progress-interval", "200ms");
        }
    }

    @Test
    void aWaitedForCopyPastTheInvocationTimeoutIsCancelledCleanlyButARunIsNot() {
        String container = "t-" + UUID.randomUUID().toString().substring(0, 8);
        // An hour's query: only the invocation timeout ends it.
        ObjectNode payload = payload("SELECT i AS id, pg_sleep(3600) FROM generate_series(1, 10) i", container);
        String runId = "hour-" + container;
        payload.put("runId", runId);

        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(502)
                .body("errorCode", equalTo("InvocationTimedOut"))
                .body("message", org.hamcrest.Matchers.containsString("within 2 seconds"))
                .body("failureType", equalTo("SystemError"));
        assertThat(azurite.container(container).exists()
                        && azurite.container(container).listBlobs().iterator().hasNext())
                .isFalse();
        // The function's log told what the copy did while it ran.
        assertThat(TestLog.text().lines().filter(line -> line.contains("copy " + runId + " (")))
                .anyMatch(line -> line.contains(" started: query sha256:"))
                .anyMatch(line -> line.contains(" running: 0 rows in "))
                .anyMatch(line -> line.contains(" failed after "));

        ObjectNode slow = payload("SELECT i AS id, pg_sleep(0.5) FROM generate_series(1, 6) i", container);
        String location = given().contentType(ContentType.JSON)
                .body(slow.toString())
                .post("/runs")
                .then()
                .statusCode(202)
                .extract()
                .header("Location");
        assertThat(AsyncRuns.pollUntilNot202(location).statusCode()).isEqualTo(200);
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
                        TestingServers.postgres().odbcConnectionString(),
                        "BLOB_CONNECTION",
                        azurite.connectionString()));
        payload.withObject("/activity/typeProperties/source").put("query", query);
        return payload;
    }
}
