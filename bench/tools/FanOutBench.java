import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.QueueListener;
import io.pgferry.testing.TestingFunctionsHost;

/**
 * bench/fan-out's driver: the assembled function app as three handler processes (started as the Functions host
 * starts them, each with its own listener on the slice queue), one PostgreSQL and one Azurite. It times, from POST
 * /runs to the first 200 on the status URL: the table copied by one instance in one slice; the same fanned out over
 * the three; and fanned out again with one worker killed (SIGKILL) as soon as it has taken a slice. Each output is
 * checked against the table (count, distinct ids, checksum). Prints a Markdown table.
 *
 * <p>
 * Arguments: app folder, PostgreSQL JDBC URL, user, password, ODBC connection string for the payload, storage
 * connection string (blob and queue endpoints), table, slices.
 */
public final class FanOutBench {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path app = Path.of(args[0]);
        String jdbc = args[1], user = args[2], password = args[3], odbc = args[4], storage = args[5], table = args[6];
        int slices = Integer.parseInt(args[7]);
        String queueName = "pgferry-slices";
        Map<String, String> settings = Map.of("AzureWebJobsStorage", storage, "PGFERRY_FAN_OUT_POLL_INTERVAL", "250ms");
        String expected = checksum(jdbc, user, password, table);
        QueueClient queue = queue(storage, queueName);
        QueueClient poison = queue(storage, queueName + "-poison");

        List<TestingFunctionsHost> hosts = new ArrayList<>();
        List<QueueListener> listeners = new ArrayList<>();
        StringBuilder results = new StringBuilder("| run | seconds | rows | slices (instance: count) | redelivered |\n"
                + "|---|---:|---:|---|---:|\n");
        try {
            for (int i = 0; i < 3; i++) {
                hosts.add(TestingFunctionsHost.start(app, settings));
            }
            results.append(run("one instance, one slice", hosts.get(0), payload(odbc, storage, table, "single", 0),
                    storage, expected, null));
            for (TestingFunctionsHost host : hosts) {
                listeners.add(new QueueListener(host, "copySlice", queue, poison, 5, Duration.ofSeconds(10)));
            }
            results.append(run("fanned out, 3 instances", hosts.get(0),
                    payload(odbc, storage, table, "fanned", slices), storage, expected, null));
            results.append(run("fanned out, 1 of 3 killed mid-slice", hosts.get(0),
                    payload(odbc, storage, table, "killed", slices), storage, expected,
                    () -> {
                        while (!listeners.get(1).busy()) {
                            Thread.sleep(20);
                        }
                        Thread.sleep(500);
                        hosts.get(1).kill();
                        return null;
                    }));
        } finally {
            listeners.forEach(QueueListener::close);
            hosts.forEach(TestingFunctionsHost::close);
        }
        System.out.print(results);
    }

    private static String run(String name, TestingFunctionsHost host, ObjectNode payload, String storage,
            String expected, java.util.concurrent.Callable<Void> fault) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> started = host.proxy("runs", "POST", payload.toString(), "bench");
        if (started.statusCode() != 202) {
            throw new IllegalStateException(name + ": " + started.body());
        }
        if (fault != null) {
            fault.call();
        }
        URI status = URI.create(started.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> polled = started;
        while (polled.statusCode() == 202) {
            Thread.sleep(100);
            polled = host.proxy(status, "GET", null, "bench");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (polled.statusCode() != 200) {
            throw new IllegalStateException(name + ": " + polled.body());
        }
        JsonNode output = MAPPER.readTree(polled.body());
        String container = payload.at("/datasets/1/properties/typeProperties/location/container").asText();
        String actual = outputChecksum(storage, container);
        if (!actual.equals(expected)) {
            throw new IllegalStateException(name + ": the output holds " + actual + ", the table " + expected);
        }
        Map<String, Integer> perInstance = new java.util.TreeMap<>();
        int redelivered = 0;
        for (JsonNode slice : output.path("slices")) {
            perInstance.merge(slice.path("instance").asText("planner"), 1, Integer::sum);
            redelivered += slice.path("delivery").asInt(1) > 1 ? 1 : 0;
        }
        return String.format("| %s | %.2f | %d | %s | %d |%n", name, seconds, output.path("rowsCopied").asLong(),
                perInstance, redelivered);
    }

    private static ObjectNode payload(String odbc, String storage, String table, String container, int slices) {
        ObjectNode payload = MAPPER.createObjectNode();
        ObjectNode activity = payload.putObject("activity").put("name", "Bench").put("type", "Copy");
        activity.putArray("inputs").addObject().put("referenceName", "Rows").put("type", "DatasetReference");
        activity.putArray("outputs").addObject().put("referenceName", "Csv").put("type", "DatasetReference");
        ObjectNode typeProperties = activity.putObject("typeProperties");
        typeProperties.putObject("source").put("type", "RelationalSource");
        ObjectNode sink = typeProperties.putObject("sink").put("type", "DelimitedTextSink");
        sink.putObject("storeSettings").put("type", "AzureBlobStorageWriteSettings");
        sink.putObject("formatSettings").put("type", "DelimitedTextWriteSettings").put("fileExtension", ".csv");
        if (slices > 0) {
            typeProperties.putObject("fanOut").put("slices", slices);
        }
        ObjectNode rows = payload.putArray("datasets").addObject().put("name", "Rows").putObject("properties")
                .put("type", "RelationalTable");
        rows.putObject("linkedServiceName").put("referenceName", "Postgres").put("type", "LinkedServiceReference");
        rows.putObject("typeProperties").put("tableName", table);
        ObjectNode csv = payload.withArray("/datasets").addObject().put("name", "Csv").putObject("properties")
                .put("type", "DelimitedText");
        csv.putObject("linkedServiceName").put("referenceName", "Blob").put("type", "LinkedServiceReference");
        ObjectNode csvProperties = csv.putObject("typeProperties").put("firstRowAsHeader", true);
        csvProperties.putObject("location").put("type", "AzureBlobStorageLocation").put("container", container)
                .put("folderPath", "rows");
        ObjectNode postgres = payload.putArray("linkedServices").addObject().put("name", "Postgres")
                .putObject("properties").put("type", "PostgreSql");
        postgres.putObject("typeProperties").putObject("connectionString").put("type", "SecureString")
                .put("value", odbc);
        ObjectNode blob = payload.withArray("/linkedServices").addObject().put("name", "Blob").putObject("properties")
                .put("type", "AzureBlobStorage");
        blob.putObject("typeProperties").put("connectionString", storage);
        return payload;
    }

    private static String checksum(String jdbc, String user, String password, String table) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbc, user, password);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) || ' ' || count(DISTINCT id) || ' ' ||"
                        + " md5(string_agg(id::text, ',' ORDER BY id)) FROM " + table)) {
            row.next();
            return row.getString(1);
        }
    }

    /** The same over the container's CSV files, read by DuckDB from Azurite's blobs downloaded one by one. */
    private static String outputChecksum(String storage, String container) throws Exception {
        BlobContainerClient blobs = new BlobServiceClientBuilder().connectionString(storage).buildClient()
                .getBlobContainerClient(container);
        Path folder = java.nio.file.Files.createTempDirectory("fan-out-bench");
        List<String> files = new ArrayList<>();
        for (BlobItem item : blobs.listBlobs()) {
            if (item.getName().endsWith(".csv")) {
                Path file = folder.resolve(item.getName().replace('/', '_'));
                blobs.getBlobClient(item.getName()).downloadToFile(file.toString());
                files.add("'" + file + "'");
            }
        }
        try (Connection duck = new org.duckdb.DuckDBDriver().connect("jdbc:duckdb:", new java.util.Properties());
                Statement statement = duck.createStatement();
                ResultSet row = statement.executeQuery("SELECT count(*) || ' ' || count(DISTINCT id) || ' ' ||"
                        + " md5(string_agg(id::text, ',' ORDER BY id)) FROM read_csv(" + files
                        + ", header = true, all_varchar = false)")) {
            row.next();
            return row.getString(1);
        } finally {
            try (var walk = java.nio.file.Files.walk(folder)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static QueueClient queue(String storage, String name) {
        QueueClient queue = new QueueClientBuilder().connectionString(storage).queueName(name).buildClient();
        queue.createIfNotExists();
        return queue;
    }
}
