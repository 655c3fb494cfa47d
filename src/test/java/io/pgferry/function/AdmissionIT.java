package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * An instance at its limit of copies refuses one more with 503 {@code InstanceBusy} and {@code Retry-After}, and takes
 * copies again once a place is free. The running copy is held by a lock the test owns, so nothing depends on timing.
 */
@QuarkusTest
@TestProfile(AdmissionIT.OneCopyAtATime.class)
class AdmissionIT {
    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    /** An instance that runs one copy at a time. */
    public static class OneCopyAtATime implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("pgferry.copies.max-concurrent", "1");
        }
    }

    @Test
    void oneCopyBeyondTheLimitIsRefusedWithRetryAfterAndThePlaceComesBack() throws Exception {
        String table = "held_" + suffix();
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id FROM generate_series(1, 10) i");
        CompletableFuture<Response> held;
        try (Connection lock = postgres.connect();
                Statement statement = lock.createStatement()) {
            lock.setAutoCommit(false);
            statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            held = CompletableFuture.supplyAsync(() -> post(payload(table, "a-" + suffix())));
            awaitWaitingOnLock();

            Response refused = post(payload(table, "b-" + suffix()));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("10");
            assertThat(refused.jsonPath().getString("errorCode")).isEqualTo("InstanceBusy");
            assertThat(refused.jsonPath().getString("failureType")).isEqualTo("SystemError");
            lock.rollback();
        }
        assertThat(held.get().statusCode()).isEqualTo(200);
        assertThat(held.get().jsonPath().getInt("rowsCopied")).isEqualTo(10);
        assertThat(post(payload(table, "c-" + suffix())).statusCode()).isEqualTo(200);
    }

    /**
     * Waits until the copy's backend waits for the test's lock: the copy is then surely running. Asked on a connection
     * of its own in autocommit, since a transaction sees one snapshot of pg_stat_activity.
     */
    private void awaitWaitingOnLock() throws Exception {
        try (Connection watcher = postgres.connect();
                Statement statement = watcher.createStatement()) {
            awaitWaitingOnLock(statement);
        }
    }

    private static void awaitWaitingOnLock(Statement statement) throws Exception {
        for (int attempt = 0; attempt < 600; attempt++) {
            try (ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND application_name = 'pgferry'")) {
                row.next();
                if (row.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        StringBuilder sessions = new StringBuilder();
        try (ResultSet rows = statement.executeQuery("SELECT application_name, state, wait_event_type, wait_event,"
                + " left(query, 80) FROM pg_stat_activity WHERE backend_type = 'client backend'")) {
            while (rows.next()) {
                sessions.append('\n')
                        .append(rows.getString(1))
                        .append(" | ")
                        .append(rows.getString(2))
                        .append(" | ")
                        .append(rows.getString(3))
                        .append(" | ")
                        .append(rows.getString(4))
                        .append(" | ")
                        .append(rows.getString(5));
            }
        }
        throw new AssertionError("the copy never reached the locked table; sessions:" + sessions);
    }

    private static Response post(ObjectNode payload) {
        return given().contentType(ContentType.JSON).body(payload.toString()).post("/copy");
    }

    private ObjectNode payload(String table, String container) {
        return Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
    }
}
