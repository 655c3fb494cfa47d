package io.pgferry.faults;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.FaultProxy;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.restassured.RestAssured;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * What the fault suites share: a mid-size table, payloads, copies posted in the background with a hang guard, the
 * sink's state before and after (a container or a folder, every file with its MD5, hidden files included), the
 * "complete output" and "nothing visible" checks (manifest-aware when {@code _manifest.json} exists), and the
 * source's backends as {@code pg_stat_activity} shows them.
 */
final class FaultFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Rows of the mid-size table: about 30 MB of CSV, in 3 chunks of {@link #ROWS_PER_FILE}. */
    static final int ROWS = 300_000;

    static final int ROWS_PER_FILE = 100_000;
    static final String FOLDER = "exports/orders";
    static final String MANIFEST = "_manifest.json";
    static final long MB = 1 << 20;
    /** How long a copy may take to answer before the test calls it hung: a hang guard, not a measured bound. */
    static final Duration HANG_GUARD = Duration.ofMinutes(4);
    /** How long an awaited event may take before the test calls it missing: a hang guard too. */
    static final Duration EVENT_GUARD = Duration.ofMinutes(2);

    private static final ExecutorService CALLERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fault-suite-caller");
        thread.setDaemon(true);
        return thread;
    });
    private static String table;

    private FaultFixtures() {}

    /** The mid-size table (id, two text columns, a numeric and a timestamptz), created once per JVM. */
    static synchronized String table(TestingPostgres postgres) {
        if (table == null) {
            String name = "faults_" + suffix();
            postgres.execute(
                    "CREATE TABLE " + name + " (id int NOT NULL, name text, amount numeric(12,2),"
                            + " seen timestamptz, note text)",
                    "INSERT INTO " + name + " SELECT i, md5(i::text) || md5((i * 7)::text), (i * 1.25)::numeric(12,2),"
                            + " TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL '1 second', 'row ' || i"
                            + " FROM generate_series(1, " + ROWS + ") i",
                    "ANALYZE " + name);
            table = name;
        }
        return table;
    }

    // ---- payloads ------------------------------------------------------------------------------------------------

    /** The whole table as CSV in chunks of {@link #ROWS_PER_FILE}, blocks of 4 MB. */
    static ObjectNode payload(String pgConnectionString, String blobConnectionString, String table, String container) {
        ObjectNode payload = Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        table,
                        "CONTAINER",
                        container,
                        "PG_CONNECTION",
                        pgConnectionString,
                        "BLOB_CONNECTION",
                        blobConnectionString));
        payload.withObject("/activity/typeProperties/sink/formatSettings").put("maxRowsPerFile", ROWS_PER_FILE);
        payload.withObject("/activity/typeProperties/sink/storeSettings").put("blockSizeInMB", 4);
        return payload;
    }

    static ObjectNode source(ObjectNode payload) {
        return payload.withObject("/activity/typeProperties/source");
    }

    /** The ODBC connection string of the test database, through {@code proxy}. */
    static String throughProxy(TestingPostgres postgres, FaultProxy proxy) {
        return "Server=" + proxy.host() + ";Port=" + proxy.port() + ";Database=" + TestingPostgres.DATABASE + ";UID="
                + TestingPostgres.USER + ";Password=" + postgres.password();
    }

    /** Azurite's connection string with its blob endpoint behind {@code proxy}. */
    static String throughProxy(TestingAzurite azurite, FaultProxy proxy) {
        return azurite.connectionString()
                .replace(
                        azurite.blobEndpoint(),
                        "http://" + proxy.host() + ":" + proxy.port() + "/" + TestingAzurite.ACCOUNT);
    }

    static int blobPort(TestingAzurite azurite) {
        return java.net.URI.create(azurite.blobEndpoint()).getPort();
    }

    /** The payload with a FileServer sink writing under {@code root}. */
    static ObjectNode toFileServer(ObjectNode payload, Path root) {
        ObjectNode linkedService = payload.withObject("/linkedServices/1/properties");
        linkedService.put("type", "FileServer");
        linkedService.putObject("typeProperties").put("host", root.toString());
        ObjectNode location = payload.withObject("/datasets/1/properties/typeProperties/location");
        location.put("type", "FileServerLocation").remove("container");
        payload.withObject("/activity/typeProperties/sink")
                .putObject("storeSettings")
                .put("type", "FileServerWriteSettings");
        return payload;
    }

    // ---- calls ---------------------------------------------------------------------------------------------------

    /**
     * POSTs the copy on another thread, so the test can inject a fault while it runs. The HTTP client waits longer
     * than {@link #HANG_GUARD} (Quarkus' test default gives up after 30 s), so the guard is what calls a copy hung.
     */
    static CompletableFuture<Response> start(ObjectNode payload) {
        String body = payload.toString();
        RestAssuredConfig patient = RestAssured.config()
                .httpClient(RestAssured.config().getHttpClientConfig().setParam("http.socket.timeout", (int)
                        HANG_GUARD.plus(EVENT_GUARD).toMillis()));
        return CompletableFuture.supplyAsync(
                () -> given().config(patient)
                        .contentType(ContentType.JSON)
                        .body(body)
                        .post("/copy")
                        .then()
                        .extract()
                        .response(),
                CALLERS);
    }

    /**
     * The copy's answer; a copy that has not answered within {@link #HANG_GUARD} is reported hung (after
     * {@code unblock} has let it end, so it does not outlive the test).
     */
    static Response answer(CompletableFuture<Response> call, Runnable unblock) {
        try {
            return call.get(HANG_GUARD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException hung) {
            unblock.run();
            String late;
            try {
                Response after = call.get(EVENT_GUARD.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                late = "once unblocked it answered " + after.statusCode() + " " + after.asString();
            } catch (Exception e) {
                late = "it did not answer even once unblocked";
            }
            throw new AssertionError("the copy did not answer within " + HANG_GUARD + " (a hang); " + late);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the copy request failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Response post(ObjectNode payload) {
        return answer(start(payload), () -> {});
    }

    /** The answer's status, errorCode and failureType, one of the codes given. */
    static void assertFailed(Response answer, int status, String failureType, String... errorCodes) {
        assertThat(answer.statusCode()).as("status of %s", answer.asString()).isEqualTo(status);
        assertThat(answer.jsonPath().getString("errorCode"))
                .as("errorCode of %s", answer.asString())
                .isIn((Object[]) errorCodes);
        assertThat(answer.jsonPath().getString("failureType"))
                .as("failureType of %s", answer.asString())
                .isEqualTo(failureType);
    }

    // ---- the sink ------------------------------------------------------------------------------------------------

    /** A file of the sink: its bytes' MD5 (base64), size and the run that wrote it (blob metadata; null on disk). */
    record Entry(String md5, long size, String runId) {}

    /** Where a copy writes: a container or a folder, its files named relative to it. */
    interface Sink {
        /** Every file, hidden ones included, by name relative to the container or root. */
        Map<String, Entry> state();

        byte[] read(String name);

        /** A file's name relative to the container or root, from a path as pgferry answers it. */
        String relative(String answeredPath);
    }

    static Sink blob(TestingAzurite azurite, String container) {
        return new Sink() {
            @Override
            public Map<String, Entry> state() {
                BlobContainerClient client = azurite.container(container);
                Map<String, Entry> files = new TreeMap<>();
                if (!client.exists()) {
                    return files;
                }
                for (BlobItem item : client.listBlobs(
                        new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveMetadata(true)), null)) {
                    byte[] bytes = read(item.getName());
                    files.put(
                            item.getName(),
                            new Entry(
                                    md5(bytes),
                                    bytes.length,
                                    item.getMetadata() == null
                                            ? null
                                            : item.getMetadata().get("pgferry_run_id")));
                }
                return files;
            }

            @Override
            public byte[] read(String name) {
                return azurite.container(container)
                        .getBlobClient(name)
                        .downloadContent()
                        .toBytes();
            }

            @Override
            public String relative(String answeredPath) {
                assertThat(answeredPath).startsWith(container + "/");
                return answeredPath.substring(container.length() + 1);
            }

            @Override
            public String toString() {
                return "container " + container;
            }
        };
    }

    static Sink folder(Path root) {
        return new Sink() {
            @Override
            public Map<String, Entry> state() {
                Map<String, Entry> files = new TreeMap<>();
                if (!Files.isDirectory(root)) {
                    return files;
                }
                try (Stream<Path> paths = Files.walk(root)) {
                    for (Path path : paths.filter(Files::isRegularFile).toList()) {
                        byte[] bytes = Files.readAllBytes(path);
                        files.put(root.relativize(path).toString(), new Entry(md5(bytes), bytes.length, null));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return files;
            }

            @Override
            public byte[] read(String name) {
                try {
                    return Files.readAllBytes(root.resolve(name));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public String relative(String answeredPath) {
                assertThat(answeredPath).startsWith(root + "/");
                return answeredPath.substring(root.toString().length() + 1);
            }

            @Override
            public String toString() {
                return "folder " + root;
            }
        };
    }

    static boolean isManifest(String name) {
        return name.equals(MANIFEST) || name.endsWith("/" + MANIFEST);
    }

    /** A hidden file: a FileServer chunk's {@code .<name>.<run>.partial}, or anything else left half-written. */
    static boolean isHidden(String name) {
        return name.substring(name.lastIndexOf('/') + 1).startsWith(".");
    }

    /**
     * "Nothing visible": the sink holds exactly what it held before the failed copy, file for file, byte for byte,
     * and no half-written (hidden, {@code .partial}) file. A manifest counts as a file: a failed copy writes none.
     */
    static void assertUnchanged(Sink sink, Map<String, Entry> before) {
        Map<String, Entry> after = sink.state();
        assertThat(after.keySet())
                .as("%s after the failed copy (before: %s)", sink, before.keySet())
                .noneMatch(name -> name.endsWith(".partial"));
        assertThat(after).as("%s after the failed copy", sink).isEqualTo(before);
    }

    /**
     * After a copy that failed over an earlier run's files of the same names: either the sink holds exactly what it
     * held before, or (a failed publication having removed what it had replaced) a part of the earlier files,
     * unchanged, and then no manifest, so no reader takes it for complete. Never a file of the failed run, never a
     * mix of old and new files together with a manifest.
     */
    static void assertNoMixOfRuns(Sink sink, Map<String, Entry> before, String failedRunId) {
        Map<String, Entry> after = sink.state();
        if (after.equals(before)) {
            return;
        }
        assertThat(after.keySet())
                .as("%s after the failed copy (before: %s)", sink, before.keySet())
                .noneMatch(name -> name.endsWith(".partial"));
        List<String> ofTheFailedRun = after.entrySet().stream()
                .filter(e -> failedRunId.equals(e.getValue().runId()))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(ofTheFailedRun)
                .as("files of the failed run %s left in %s (before: %s, after: %s)", failedRunId, sink, before, after)
                .isEmpty();
        for (Map.Entry<String, Entry> file : after.entrySet()) {
            assertThat(before)
                    .as("%s in %s after the failed copy: not a file of the earlier run as it was", file.getKey(), sink)
                    .containsEntry(file.getKey(), file.getValue());
        }
        assertThat(after.keySet())
                .as("%s holds part of the earlier output (before: %s): it must hold no manifest", sink, before.keySet())
                .noneMatch(FaultFixtures::isManifest);
    }

    /**
     * "Complete output": the data files are exactly those the answer lists (sizes included), they hold every row of
     * the table once (ids 1 to {@code rows}), nothing half-written is left, and when a manifest exists it lists exactly
     * the data files present, with their sizes, MD5s and rows, for this run.
     */
    static void assertComplete(Sink sink, Response answer, int rows) {
        assertThat(answer.statusCode()).as("status of %s", answer.asString()).isEqualTo(200);
        assertThat(answer.jsonPath().getLong("rowsCopied")).isEqualTo(rows);
        Map<String, Entry> state = sink.state();
        assertThat(state.keySet()).as("%s", sink).noneMatch(FaultFixtures::isHidden);
        Set<String> data = new TreeSet<>(state.keySet());
        data.removeIf(FaultFixtures::isManifest);
        List<String> answeredPaths = answer.jsonPath().getList("files.path");
        List<Number> answeredBytes = answer.jsonPath().getList("files.bytes");
        Map<String, Long> answered = new TreeMap<>();
        for (int i = 0; i < answeredPaths.size(); i++) {
            answered.put(
                    sink.relative(answeredPaths.get(i)), answeredBytes.get(i).longValue());
        }
        assertThat(data).as("data files in %s", sink).isEqualTo(answered.keySet());
        BitSet ids = new BitSet(rows + 1);
        long lines = 0;
        for (String name : data) {
            assertThat(state.get(name).size()).as("size of %s", name).isEqualTo(answered.get(name));
            String text = new String(sink.read(name), StandardCharsets.UTF_8);
            assertThat(text).as(name).startsWith("id,name,amount,seen,note\r\n").endsWith("\r\n");
            String[] fileLines = text.split("\r\n");
            for (int i = 1; i < fileLines.length; i++) {
                int id = Integer.parseInt(fileLines[i].substring(0, fileLines[i].indexOf(',')));
                assertThat(ids.get(id)).as("row %d written twice", id).isFalse();
                ids.set(id);
                lines++;
            }
        }
        assertThat(lines).as("rows in %s", sink).isEqualTo(rows);
        assertThat(ids.nextClearBit(1)).as("the first missing id").isEqualTo(rows + 1);

        List<String> manifests =
                state.keySet().stream().filter(FaultFixtures::isManifest).toList();
        if (manifests.isEmpty()) {
            return; // before the manifest existed: the data files alone say the output is complete
        }
        assertThat(manifests).as("manifests in %s", sink).hasSize(1);
        JsonNode manifest = readJson(sink.read(manifests.get(0)));
        if (manifest.has("runId")) {
            assertThat(manifest.path("runId").asText())
                    .isEqualTo(answer.jsonPath().getString("runId"));
        }
        Set<String> listed = new TreeSet<>();
        long listedRows = 0;
        for (JsonNode file : manifest.path("files")) {
            String name = sink.relative(file.path("path").asText());
            assertThat(listed.add(name))
                    .as("%s listed twice in the manifest", name)
                    .isTrue();
            assertThat(state)
                    .as("the manifest lists %s, which %s does not hold", name, sink)
                    .containsKey(name);
            assertThat(file.path("bytes").asLong())
                    .as("bytes of %s in the manifest", name)
                    .isEqualTo(state.get(name).size());
            if (file.hasNonNull("md5")) {
                String md5 = file.path("md5").asText();
                assertThat(md5.equals(state.get(name).md5())
                                || md5.equalsIgnoreCase(hex(state.get(name).md5())))
                        .as(
                                "MD5 of %s in the manifest: %s, stored %s",
                                name, md5, state.get(name).md5())
                        .isTrue();
            }
            listedRows += file.path("rows").asLong();
        }
        assertThat(listed).as("files the manifest lists").isEqualTo(data);
        assertThat(listedRows).as("rows the manifest lists").isEqualTo(rows);
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError("the manifest is not JSON", e);
        }
    }

    static String md5(byte[] bytes) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(String base64) {
        return HexFormat.of().formatHex(Base64.getDecoder().decode(base64));
    }

    // ---- the source's backends -----------------------------------------------------------------------------------

    /** A backend of pgferry's that came through the proxy: pid, state and its query's text. */
    record Backend(int pid, String state, String query) {
        boolean copying() {
            return "active".equals(state)
                    && query != null
                    && query.trim().toUpperCase().startsWith("COPY");
        }
    }

    /**
     * pgferry's backends that came through {@code proxy} (application_name 'pgferry', client_port one of the proxy's
     * connections to the server), read from a fresh autocommit connection: a transaction would see a frozen snapshot of
     * pg_stat_activity.
     */
    static List<Backend> backends(TestingPostgres postgres, FaultProxy proxy) {
        try (Connection connection = postgres.connect()) {
            connection.setAutoCommit(true);
            Array ports = connection.createArrayOf("int4", proxy.targetPorts().toArray());
            try (PreparedStatement statement = connection.prepareStatement("SELECT pid, state, query"
                    + " FROM pg_stat_activity WHERE application_name = 'pgferry' AND client_port = ANY (?)"
                    + " ORDER BY pid")) {
                statement.setArray(1, ports);
                List<Backend> backends = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        backends.add(new Backend(rows.getInt(1), rows.getString(2), rows.getString(3)));
                    }
                }
                return backends;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read pg_stat_activity", e);
        }
    }

    /** Waits for the event "a COPY of the copy is streaming through the proxy" and answers its backend. */
    static Backend awaitCopying(TestingPostgres postgres, FaultProxy proxy) {
        Backend[] found = new Backend[1];
        FaultProxy.await(
                () -> {
                    found[0] = backends(postgres, proxy).stream()
                            .filter(Backend::copying)
                            .findFirst()
                            .orElse(null);
                    return found[0] != null;
                },
                EVENT_GUARD,
                () -> "no COPY through " + proxy + ": " + backends(postgres, proxy),
                100);
        return found[0];
    }

    static void terminate(TestingPostgres postgres, int pid) {
        try (Connection connection = postgres.connect();
                PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                assertThat(row.getBoolean(1))
                        .as("pg_terminate_backend(%d)", pid)
                        .isTrue();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * No backend of the test leaks: every backend that came through the proxy ends up gone, or idle in the pool after
     * its reset ({@code DISCARD ALL}); none stays active (a COPY nobody reads), idle in a transaction, or at all when
     * its pid is in {@code gone}. Awaited: a backend notices a reset connection when it next touches its socket.
     */
    static void assertNoBackendLeaks(TestingPostgres postgres, FaultProxy proxy, Set<Integer> gone) {
        AtomicReference<List<Backend>> last = new AtomicReference<>(List.of());
        FaultProxy.await(
                () -> {
                    last.set(backends(postgres, proxy));
                    return last.get().stream()
                            .allMatch(b -> "idle".equals(b.state())
                                    && "DISCARD ALL".equals(b.query())
                                    && !gone.contains(b.pid()));
                },
                EVENT_GUARD,
                () -> "backends through " + proxy + " still busy: " + last.get(),
                100);
    }
}
