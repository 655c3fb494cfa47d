package io.pgferry.hostile;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobContainerItem;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * What the hostile-input tests share (see {@code /work/hostile-spec.md}, issue 13): payloads, the answer's ADF error
 * checked clause by clause, the whole Azurite account listed, the log file read back line by line.
 */
final class HostileFixtures {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** The log of the application under test (the test profile writes it; rotated files beside it). */
    static final String SOURCE_QUERY = "SELECT i AS id, 'row ' || i AS name FROM generate_series(1, 3) i";

    static final String POSTGRES_LINKED_SERVICE = "/linkedServices/0/properties/typeProperties";
    static final String SINK_LINKED_SERVICE = "/linkedServices/1/properties/typeProperties";
    static final String HOST = SINK_LINKED_SERVICE + "/host";
    static final String TABLE_NAME = "/datasets/0/properties/typeProperties/tableName";
    static final String LOCATION = "/datasets/1/properties/typeProperties/location";
    static final String FOLDER_PATH = LOCATION + "/folderPath";
    static final String FILE_NAME = LOCATION + "/fileName";
    static final String FORMAT_SETTINGS = "/activity/typeProperties/sink/formatSettings";
    static final String FILE_NAME_PREFIX = FORMAT_SETTINGS + "/fileNamePrefix";
    static final String FILE_EXTENSION = FORMAT_SETTINGS + "/fileExtension";
    static final String QUERY = "/activity/typeProperties/source/query";
    static final String ACTIVITY_NAME = "/activity/name";

    private HostileFixtures() {}

    /** The standard valid payload: three rows of a query, CSV chunks into {@code container}/exports/orders. */
    static ObjectNode payload(TestingPostgres postgres, TestingAzurite azurite, String container) {
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
        source(payload).put("query", SOURCE_QUERY);
        return payload;
    }

    static ObjectNode source(ObjectNode payload) {
        return payload.withObject("/activity/typeProperties/source");
    }

    static ObjectNode formatSettings(ObjectNode payload) {
        return payload.withObject(FORMAT_SETTINGS);
    }

    static ObjectNode location(ObjectNode payload) {
        return payload.withObject(LOCATION);
    }

    static ObjectNode postgresLinkedService(ObjectNode payload) {
        return payload.withObject(POSTGRES_LINKED_SERVICE);
    }

    static ObjectNode blobLinkedService(ObjectNode payload) {
        return payload.withObject(SINK_LINKED_SERVICE);
    }

    /** The payload writing to a FileServer folder {@code host} instead of Blob Storage. */
    static ObjectNode toFileServer(ObjectNode payload, String host) {
        ObjectNode linkedService = payload.withObject("/linkedServices/1/properties");
        linkedService.put("type", "FileServer");
        linkedService.putObject("typeProperties").put("host", host);
        location(payload).put("type", "FileServerLocation").remove("container");
        payload.withObject("/activity/typeProperties/sink/storeSettings").put("type", "FileServerWriteSettings");
        return payload;
    }

    static Response post(String path, ObjectNode payload) {
        return given().contentType(ContentType.JSON)
                .body(payload.toString().getBytes(StandardCharsets.UTF_8))
                .post(path);
    }

    /** A label for a parameterized case: control characters as \\uXXXX, long values shortened. */
    static String printable(String value) {
        StringBuilder label = new StringBuilder();
        value.codePoints()
                .forEach(c -> label.append(
                        c < 0x20 || c == 0x7f ? String.format("\\u%04X", c) : new String(Character.toChars(c))));
        String text = label.toString();
        return text.length() <= 60 ? text : text.substring(0, 24) + "...(" + value.length() + " chars)";
    }

    // ---- answers ----------------------------------------------------------------------------------------------

    static JsonNode json(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return MAPPER.createObjectNode().put("notJson", body);
        }
    }

    /**
     * An ADF error answer: the status, a JSON body with {@code errorCode} among {@code codes}, no Java class named, and
     * (when {@code pointer} is not null) {@code details[0].pointer} equal to it. Every clause is checked, so a
     * failure reports all that is wrong at once.
     */
    static void assertError(Response response, int status, Set<String> codes, String pointer) {
        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, status, codes, pointer);
        soft.assertAll();
    }

    /** As {@link #assertError(Response, int, Set, String)}, collected in {@code soft} with the test's other checks. */
    static void assertError(SoftAssertions soft, Response response, int status, Set<String> codes, String pointer) {
        String body = response.asString();
        JsonNode error = json(body);
        soft.assertThat(response.statusCode()).as("status; body %s", body).isEqualTo(status);
        soft.assertThat(String.valueOf(response.contentType()))
                .as("content type; body %s", body)
                .startsWith("application/json");
        soft.assertThat(error.path("errorCode").asText())
                .as("errorCode; body %s", body)
                .isIn(codes);
        soft.assertThat(error.path("failureType").asText())
                .as("failureType; body %s", body)
                .isNotEmpty();
        if (pointer != null) {
            soft.assertThat(error.path("details").path(0).path("pointer").asText(null))
                    .as("details[0].pointer;" + " body %s", body)
                    .isEqualTo(pointer);
        }
        assertNoJavaNames(soft, body);
    }

    static void assertError(SoftAssertions soft, Response response, int status, String code, String pointer) {
        assertError(soft, response, status, Set.of(code), pointer);
    }

    static void assertError(Response response, int status, String code, String pointer) {
        assertError(response, status, Set.of(code), pointer);
    }

    static void assertNoJavaNames(SoftAssertions soft, String body) {
        for (String name : List.of("java.", "javax.", "org.postgresql", "Exception")) {
            soft.assertThat(body).as("an error body names no Java class").doesNotContain(name);
        }
    }

    // ---- Azurite ----------------------------------------------------------------------------------------------

    /**
     * Every container ({@code name/}) and every blob ({@code container/name}), committed or only staged, in the whole
     * Azurite account.
     */
    static Set<String> account(TestingAzurite azurite) {
        // No retries: a listing the emulator cannot answer (a blob name it cannot put in XML) is itself a finding.
        BlobServiceClient service = new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, 20, null, null, null))
                .buildClient();
        Set<String> names = new TreeSet<>();
        for (BlobContainerItem container : service.listBlobContainers()) {
            names.add(container.getName() + "/");
            BlobContainerClient client = service.getBlobContainerClient(container.getName());
            try {
                for (BlobItem blob : client.listBlobs(
                        new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true)),
                        null)) {
                    names.add(container.getName() + "/" + printable(blob.getName()));
                }
            } catch (RuntimeException e) {
                names.add(container.getName() + "/ (cannot be listed: "
                        + e.getClass().getSimpleName() + ")");
            }
        }
        return names;
    }

    // ---- files ------------------------------------------------------------------------------------------------

    /** Every path under {@code root} (not following symbolic links), relative, directories ending in '/'. */
    static Set<String> tree(Path root) {
        Set<String> paths = new TreeSet<>();
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return paths;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root))
                    .forEach(p -> paths.add(root.relativize(p)
                            + (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "/" : "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths;
    }

    /** The files under {@code root} whose name ends in {@code .partial} (a FileServer chunk never committed). */
    static List<String> partialFiles(Path root) {
        return tree(root).stream().filter(p -> p.endsWith(".partial")).toList();
    }

    // ---- the log ----------------------------------------------------------------------------------------------

    /** The log's lines (any line terminator) that begin with {@code prefix}. */
    static List<String> linesStartingWith(String log, String prefix) {
        return log.lines().filter(line -> line.startsWith(prefix)).toList();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
