package io.pgferry.functionapp;

import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.Processes;
import io.pgferry.testing.QueueListener;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingFunctionsHost;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;

/**
 * A fanned-out copy across three handler processes of the assembled function app, one PostgreSQL and one Azurite
 * queue, each process with its own host listener on the slice queue. A worker killed (SIGKILL) in the middle of its
 * slice: its message reappears when its lease runs out, another instance copies the slice again, and the output is
 * the table, row for row, once, in one snapshot, with one manifest. The planning instance killed: the workers find
 * its snapshot gone, nothing is visible, and the run started again plans afresh and completes.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FanOutProcessesIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ROWS = 1_000_000;
    private static final int SLICES = 6;
    /** The host's lease on a message it is working on, renewed while the function runs. */
    private static final Duration LEASE = Duration.ofSeconds(6);

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void aWorkerKilledMidSliceIsReplacedAndTheOutputIsTheTableOnce() throws Exception {
        String table = table();
        String queue = "slices-" + suffix();
        String container = "fp-" + suffix();
        List<TestingFunctionsHost> hosts = start(queue, 3);
        List<QueueListener> listeners = new ArrayList<>();
        try {
            TestingFunctionsHost planner = hosts.get(0);
            TestingFunctionsHost doomed = hosts.get(1);
            URI status = startRun(planner, payload(table, container, "fanned-" + suffix()));
            await(() -> azurite.queue(queue).getProperties().getApproximateMessagesCount() > 0, "no slice message");

            // Hold every reader of the table at its first lock, so the doomed worker is surely inside its slice.
            try (Connection locker = postgres.connect()) {
                int lockerPid = pid(locker);
                locker.setAutoCommit(false);
                CompletableFuture<Void> lock = CompletableFuture.runAsync(
                        () -> execute(locker, "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE"));
                await(() -> waitingOnLock(table) >= 1, "the test's lock request is not queued");
                listeners.add(listener(doomed, queue));
                await(() -> waitingOnLock(table) >= 2, "the doomed worker never reached its slice");
                doomed.kill();
                postgres.execute("SELECT pg_cancel_backend(" + lockerPid + ")");
                lock.handle((done, failure) -> null).get();
            }
            listeners.add(listener(planner, queue));
            listeners.add(listener(hosts.get(2), queue));

            HttpResponse<String> done = poll(planner, status);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            JsonNode output = MAPPER.readTree(done.body());
            assertThat(output.path("rowsCopied").asLong()).isEqualTo(ROWS);
            assertThat(output.path("slices")).hasSize(SLICES);
            Set<String> instances = new HashSet<>();
            output.path("slices")
                    .forEach(slice -> instances.add(slice.path("instance").asText()));
            assertThat(instances).as("instances that copied slices").hasSizeGreaterThanOrEqualTo(2);
            assertThat(output.path("slices").findValues("delivery"))
                    .as("the killed worker's slice, delivered again")
                    .anySatisfy(delivery -> assertThat(delivery.asInt()).isEqualTo(2));

            JsonNode manifest = MAPPER.readTree(azurite.container(container)
                    .getBlobClient("exports/orders/_manifest.json")
                    .downloadContent()
                    .toBytes());
            assertThat(manifest.at("/totals/rows").asLong()).isEqualTo(ROWS);
            assertThat(azurite.names(container))
                    .filteredOn(name -> name.endsWith("_manifest.json"))
                    .hasSize(1);
            assertThat(azurite.names(container)).hasSize(manifest.path("files").size() + 1);
            assertSameRows(table, container);
            assertThat(planner.log()).doesNotContain(postgres.password());
            // Every slice read in the planner's snapshot, as the server described it to each reader.
            assertThat(manifest.at("/source/exportedSnapshot").asText())
                    .isEqualTo(output.at("/fanOut/snapshot").asText());
            assertThat(output.path("slices").findValuesAsText("snapshot"))
                    .hasSize(SLICES)
                    .containsOnly(manifest.at("/source/snapshot").asText());
        } finally {
            listeners.forEach(QueueListener::close);
            hosts.forEach(TestingFunctionsHost::close);
        }
    }

    @Test
    void aKilledPlannerLeavesNothingAndItsRunStartedAgainCompletes() throws Exception {
        String table = table();
        String queue = "slices-" + suffix();
        String container = "fp-" + suffix();
        String runId = "fanned-" + suffix();
        List<TestingFunctionsHost> hosts = start(queue, 2);
        List<QueueListener> listeners = new ArrayList<>();
        try {
            TestingFunctionsHost planner = hosts.get(0);
            TestingFunctionsHost survivor = hosts.get(1);
            URI first = startRun(planner, payload(table, container, runId));
            await(
                    () -> azurite.queue(queue).getProperties().getApproximateMessagesCount() >= SLICES,
                    "the plan's messages were not sent");
            planner.kill();
            await(() -> openTransactions() == 0, "the dead planner's transaction is still open");

            listeners.add(listener(survivor, queue));
            await(
                    () -> listeners.get(0).handled() >= SLICES
                            && !listeners.get(0).busy(),
                    "slices not handled");
            assertThat(azurite.names(container))
                    .as("what the dead planner's run left visible")
                    .isEmpty();
            assertThat(survivor.log()).contains("FanOutSnapshotLost");

            // The run record outlives its planner: once its heartbeat is old, it is abandoned and may start again.
            URI again = URI.create(survivor.url(first.getPath()) + "?" + first.getQuery());
            await(() -> get(survivor, again).statusCode() == 502, "the dead planner's run was not abandoned");
            URI retried = startRun(survivor, payload(table, container, runId));
            HttpResponse<String> done = poll(survivor, retried);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(MAPPER.readTree(done.body()).path("rowsCopied").asLong()).isEqualTo(ROWS);
            assertSameRows(table, container);
        } finally {
            listeners.forEach(QueueListener::close);
            hosts.forEach(TestingFunctionsHost::close);
        }
    }

    private String table() {
        String table = "fanned_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text)",
                "INSERT INTO " + table + " SELECT i, md5(i::text) FROM generate_series(1, " + ROWS + ") i",
                "ANALYZE " + table);
        return table;
    }

    /** One file per slice (no chunking), so a slice is one blob of staged blocks. */
    private ObjectNode payload(String table, String container, String runId) {
        ObjectNode payload = Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
        payload.put("runId", runId);
        payload.withObject("/activity/typeProperties/sink/formatSettings").remove("maxRowsPerFile");
        payload.withObject("/activity/typeProperties").putObject("fanOut").put("slices", SLICES);
        return payload;
    }

    private List<TestingFunctionsHost> start(String queue, int count) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("AzureWebJobsStorage", azurite.connectionString());
        settings.put("PGFERRY_FAN_OUT_QUEUE", queue);
        settings.put("PGFERRY_FAN_OUT_POLL_INTERVAL", "200ms");
        settings.put("PGFERRY_STORAGE_HEARTBEAT", "1s");
        List<TestingFunctionsHost> hosts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            hosts.add(TestingFunctionsHost.start(app(), settings));
        }
        return hosts;
    }

    private QueueListener listener(TestingFunctionsHost host, String queue) {
        return new QueueListener(host, "copySlice", azurite.queue(queue), azurite.queue(queue + "-poison"), 5, LEASE);
    }

    private static URI startRun(TestingFunctionsHost host, ObjectNode payload) throws Exception {
        HttpResponse<String> started = host.proxy("runs", "POST", payload.toString(), "key");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return URI.create(started.headers().firstValue("Location").orElseThrow());
    }

    private static HttpResponse<String> poll(TestingFunctionsHost host, URI status) throws Exception {
        HttpResponse<String> polled = get(host, status);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (polled.statusCode() == 202 && System.nanoTime() < deadline) {
            Processes.sleep(200);
            polled = get(host, status);
        }
        return polled;
    }

    private static HttpResponse<String> get(TestingFunctionsHost host, URI status) {
        try {
            return host.proxy(status, "GET", null, "key");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The output holds the table's rows, each once: count, distinct ids, and a checksum of the ordered rows. */
    private void assertSameRows(String table, String container) throws Exception {
        List<Path> files = azurite.download(container, "exports/orders/orders_", downloads);
        String expected;
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) || ' ' || count(DISTINCT id) || ' '"
                        + " || md5(string_agg(id || ':' || name, ',' ORDER BY id)) FROM " + table)) {
            row.next();
            expected = row.getString(1);
        }
        String actual;
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) || ' ' || count(DISTINCT id) || ' '"
                        + " || md5(string_agg(id || ':' || name, ',' ORDER BY id)) FROM read_csv("
                        + files.stream().map(file -> "'" + file + "'").toList()
                        + ", header = true, columns = {'id': 'INTEGER', 'name': 'VARCHAR'})")) {
            row.next();
            actual = row.getString(1);
        }
        assertThat(actual).as("count, distinct ids, checksum").isEqualTo(expected);
    }

    /** Backends waiting for a lock on the table. */
    private int waitingOnLock(String table) {
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted"
                        + " AND relation = '" + table + "'::regclass")) {
            row.next();
            return row.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Transactions open on the server but idle: the planner's, which holds the snapshot. */
    private int openTransactions() {
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
            row.next();
            return row.getInt(1);
        }
    }

    private static void execute(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            // cancelled by the test
        }
    }

    private static void await(BooleanSupplier condition, String failure) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure);
            }
            Processes.sleep(50);
        }
    }

    private static Path app() throws Exception {
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            return built.filter(p -> p.getFileName().toString().endsWith("-function-app") && Files.isDirectory(p))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/*-function-app"));
        }
    }
}
