package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * Incremental copies ({@code source.incremental}): run after run, every row version is copied exactly once, including
 * those a transaction committed after the run that should have seen them had read; a failed run leaves the watermark
 * where it was. Each run writes to its own container, read back by DuckDB.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class IncrementalIT {
    private static final String INCREMENTAL = "/activity/typeProperties/source/incremental";

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void everyRowVersionIsCopiedOnceAcrossRunsIncludingALateCommit() throws Exception {
        String table = table();
        postgres.execute("INSERT INTO " + table + " SELECT i, i, 'first' FROM generate_series(1, 100) i");
        String key = "orders-" + suffix();

        List<List<String>> all = new ArrayList<>();
        all.addAll(run(table, key, 100).body("watermark.high", equalTo("100")).rows());

        try (Connection late = postgres.connect()) {
            late.setAutoCommit(false);
            try (Statement statement = late.createStatement()) {
                // In flight while the second run reads: its rows sit below that run's watermark once committed.
                statement.execute("INSERT INTO " + table + " SELECT i, i, 'late' FROM generate_series(101, 110) i");
            }
            postgres.execute("INSERT INTO " + table + " SELECT i, i, 'second' FROM generate_series(111, 150) i");
            all.addAll(
                    run(table, key, 40).body("watermark.high", equalTo("150")).rows());
            late.commit();
        }
        postgres.execute(
                "UPDATE " + table + " SET note = 'updated' WHERE id = 5",
                "INSERT INTO " + table + " SELECT i, i, 'third' FROM generate_series(151, 160) i");
        List<List<String>> third =
                run(table, key, 21).body("watermark.high", equalTo("160")).rows();
        assertThat(third).filteredOn(row -> row.get(2).equals("late")).hasSize(10);
        assertThat(third).contains(List.of("5", "5", "updated"));
        all.addAll(third);
        all.addAll(run(table, key, 0).body("watermark.high", equalTo("160")).rows());

        List<String> ids = all.stream().map(row -> row.get(0)).sorted().toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 160; i++) {
            expected.add(Integer.toString(i));
        }
        expected.add("5"); // the updated version of row 5
        assertThat(ids).isEqualTo(expected.stream().sorted().toList());
    }

    @Test
    void timestampsWatermarkAndRowsWithoutAValueAreNotCopied() throws Exception {
        String table = "stamped_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, changed timestamptz, note text)",
                "INSERT INTO " + table + " SELECT i, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute',"
                        + " 'a' FROM generate_series(1, 30) i",
                "INSERT INTO " + table + " VALUES (31, NULL, 'no timestamp')");
        String key = "stamped-" + suffix();
        run(table, key, 30, "changed").body("watermark.high", equalTo("2026-01-01 00:30:00+00"));
        postgres.execute("INSERT INTO " + table
                + " VALUES (32, '2026-01-01 00:30:00.5+00', 'b'), (33, '2026-01-02 00:00:00+00', 'b')");
        assertThat(run(table, key, 2, "changed")
                        .body("watermark.high", equalTo("2026-01-02 00:00:00+00"))
                        .rows())
                .extracting(row -> row.get(0))
                .containsExactlyInAnyOrder("32", "33");
    }

    @Test
    void aFailedRunLeavesTheWatermarkWhereItWas() throws Exception {
        String table = table();
        postgres.execute("INSERT INTO " + table + " SELECT i, i, 'first' FROM generate_series(1, 20) i");
        String key = "failing-" + suffix();
        run(table, key, 20);
        postgres.execute("INSERT INTO " + table + " SELECT i, i, 'second' FROM generate_series(21, 30) i");

        ObjectNode refused = payload(table, container(), key, "seq");
        String wrongKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        refused.withObject("/linkedServices/1/properties/typeProperties")
                .put("connectionString", azurite.connectionString(wrongKey));
        post(refused).statusCode(400).body("errorCode", equalTo("SinkAuthenticationFailed"));

        assertThat(run(table, key, 10).rows())
                .extracting(row -> row.get(0))
                .hasSize(10)
                .allMatch(id -> Integer.parseInt(id) > 20);
    }

    @Test
    void aColumnThatCannotBeAWatermarkIsRefusedBeforeAnythingIsWritten() {
        String table = table();
        String key = "refused-" + suffix();
        for (String column : List.of("missing", "note")) {
            String container = container();
            post(payload(table, container, key, column))
                    .statusCode(400)
                    .body("errorCode", equalTo("WatermarkColumnInvalid"))
                    .body("details[0].pointer", equalTo(INCREMENTAL + "/watermarkColumn"));
            assertThat(azurite.container(container).exists()).isFalse();
        }
        run(table, key, 0);
        post(payload(table, container(), key, "id"))
                .statusCode(400)
                .body("errorCode", equalTo("WatermarkColumnInvalid"))
                .body("details[0].reason", org.hamcrest.Matchers.containsString("give another stateKey"));
    }

    @Test
    void aQuerySourceCannotBeIncremental() {
        ObjectNode payload = payload(table(), container(), "query-" + suffix(), "seq");
        payload.withObject("/activity/typeProperties/source").put("query", "SELECT 1");
        post(payload).statusCode(400).body("details[0].pointer", equalTo(INCREMENTAL));
    }

    /** The response of one run and the rows it wrote. */
    private record Run(ValidatableResponse response, String container, Path downloads) {
        Run body(String path, org.hamcrest.Matcher<?> matcher) {
            response.body(path, matcher);
            return this;
        }

        List<List<String>> rows() throws Exception {
            TestingAzurite azurite = TestingServers.azurite();
            Path into = downloads.resolve(container);
            java.nio.file.Files.createDirectories(into);
            List<Path> files = azurite.download(container, "exports", into);
            return CsvReader.read(files, BaseCopyFunction.DUCKDB_DEFAULTS, "id::int");
        }
    }

    private Run run(String table, String key, int rows) {
        return run(table, key, rows, "seq");
    }

    private Run run(String table, String key, int rows, String column) {
        String container = container();
        ValidatableResponse response = post(payload(table, container, key, column))
                .statusCode(200)
                .body("rowsCopied", equalTo(rows))
                .body("watermark.column", equalTo(column));
        return new Run(response, container, downloads);
    }

    private String table() {
        String table = "incremental_" + suffix();
        postgres.execute("CREATE TABLE " + table + " (id int PRIMARY KEY, seq bigint, note text)");
        return table;
    }

    private ObjectNode payload(String table, String container, String key, String column) {
        ObjectNode payload = Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
        payload.withObject("/activity/typeProperties/sink/formatSettings").remove("maxRowsPerFile");
        payload.withObject(INCREMENTAL).put("watermarkColumn", column).put("stateKey", key);
        return payload;
    }

    private static ValidatableResponse post(ObjectNode body) {
        return Requests.postJson("/copy", body);
    }

    private static String container() {
        return "inc-" + suffix();
    }
}
