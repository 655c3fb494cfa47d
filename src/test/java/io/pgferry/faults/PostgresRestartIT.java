package io.pgferry.faults;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.FaultProxy;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * PostgreSQL restarted (maintenance, a failover) between copies and in the middle of one, on a PostgreSQL of this
 * test's own: the warm pool's dead connections are found when borrowed, so the first copy after the restart
 * succeeds; the copy the restart cut off fails as retryable with nothing written.
 */
@QuarkusTest
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PostgresRestartIT {
    private static final int ROWS = 20_000;
    private static TestingPostgres own;

    private final TestingAzurite azurite = TestingServers.azurite();

    @BeforeAll
    static void startOwnServer() {
        own = TestingPostgres.start();
        own.execute("CREATE TABLE restart_rows AS SELECT i AS id, md5(i::text) AS name" + " FROM generate_series(1, "
                + ROWS + ") i");
    }

    @AfterAll
    static void stopOwnServer() {
        own.close();
    }

    @Test
    void theFirstCopyAfterARestartSucceedsOnTheWarmPool() {
        assertThat(copy(payload("r-" + suffix())).statusCode()).isEqualTo(200);

        own.restart();

        String container = "r-" + suffix();
        Response after = copy(payload(container));
        assertThat(after.statusCode()).as(after.asString()).isEqualTo(200);
        assertThat(after.jsonPath().getInt("rowsCopied")).isEqualTo(ROWS);
        assertThat(azurite.names(container))
                .contains("exports/orders/_manifest.json")
                .hasSize(ROWS / 1000 + 1);
    }

    @Test
    void aCopyCutOffByARestartFailsAsRetryableWithNothingWrittenAndTheNextSucceeds() throws Exception {
        String container = "r-" + suffix();
        FaultProxy proxy = FaultProxy.tcp(own.port());
        ObjectNode slow = payload(container);
        // Through a proxy that counts what the server sends: the copy is mid-stream once rows flow.
        slow.withObject("/linkedServices/0/properties/typeProperties")
                .put("connectionString", FaultFixtures.throughProxy(own, proxy));
        // A millisecond a row: the copy is still streaming whenever the restart comes.
        slow.withObject("/activity/typeProperties/source")
                .put("query", "SELECT id, name, (SELECT 1 FROM pg_sleep(0.001 + 0 * id)) AS s FROM restart_rows");
        CompletableFuture<Response> cut = CompletableFuture.supplyAsync(() -> copy(slow));
        FaultProxy.await(
                () -> proxy.bytesToClient() > 100_000,
                java.time.Duration.ofMinutes(2),
                () -> "the COPY never streamed 100 kB");

        own.restart();

        Response answer = cut.get(5, TimeUnit.MINUTES);
        proxy.close();
        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(502);
        assertThat(answer.jsonPath().getString("errorCode")).isIn("SourceUnreachable", "SourceFailed");
        assertThat(answer.jsonPath().getString("failureType")).isEqualTo("SystemError");
        assertThat(azurite.names(container)).isEmpty();

        String next = "r-" + suffix();
        Response after = copy(payload(next));
        assertThat(after.statusCode()).as(after.asString()).isEqualTo(200);
        assertThat(after.jsonPath().getInt("rowsCopied")).isEqualTo(ROWS);
        assertThat(azurite.names(next)).contains("exports/orders/_manifest.json");
    }

    private ObjectNode payload(String container) {
        return Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        "restart_rows",
                        "CONTAINER",
                        container,
                        "PG_CONNECTION",
                        own.odbcConnectionString(),
                        "BLOB_CONNECTION",
                        azurite.connectionString()));
    }

    private static Response copy(ObjectNode payload) {
        return given().contentType(ContentType.JSON).body(payload.toString()).post("/copy");
    }
}
