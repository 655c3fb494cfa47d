package io.pgferry.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * A pooled source connection outlives the copy that used it, reset: the next copy of the same linked service gets the
 * same backend, whose last statement was {@code DISCARD ALL}, with no lock left behind.
 */
@QuarkusTest
class PooledSessionIT {
    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @Test
    void theNextCopyReusesTheResetBackendAndNoLockOutlivesACopy() throws Exception {
        // A role of its own: its copies get a pool of their own, and its sessions are told apart by user name.
        String role = "pooled_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        postgres.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pooled'");
        String query = "SELECT pg_advisory_lock(77001) AS locked, set_config('pgferry.leak', 'yes', false) AS leak";
        assertThat(copy(role, query).jsonPath().getInt("rowsCopied")).isEqualTo(1);
        List<String> first = sessions(role);
        assertThat(copy(role, "SELECT current_setting('pgferry.leak', true) AS leak")
                        .jsonPath()
                        .getInt("rowsCopied"))
                .isEqualTo(1);
        List<String> second = sessions(role);

        assertThat(first).hasSize(1).allSatisfy(session -> assertThat(session).endsWith("DISCARD ALL"));
        assertThat(second).as("the same backend, reset again").isEqualTo(first);
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 77001")) {
            row.next();
            assertThat(row.getInt(1)).isZero();
        }
    }

    /** Each session of the role: its backend pid, state and last statement. */
    private List<String> sessions(String role) throws Exception {
        List<String> sessions = new ArrayList<>();
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pid, state, query FROM pg_stat_activity"
                        + " WHERE usename = '" + role + "' ORDER BY pid")) {
            while (rows.next()) {
                sessions.add(rows.getInt(1) + " " + rows.getString(2) + " " + rows.getString(3));
            }
        }
        return sessions;
    }

    private io.restassured.response.Response copy(String role, String query) {
        ObjectNode payload = Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        "unused",
                        "CONTAINER",
                        "s-" + UUID.randomUUID().toString().substring(0, 8),
                        "PG_CONNECTION",
                        "Server=" + postgres.host()
                                + ";Port=" + postgres.port() + ";Database=" + TestingPostgres.DATABASE + ";UID=" + role
                                + ";Password=pooled",
                        "BLOB_CONNECTION",
                        azurite.connectionString()));
        payload.withObject("/activity/typeProperties/source").put("query", query);
        return given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(200)
                .extract()
                .response();
    }
}
