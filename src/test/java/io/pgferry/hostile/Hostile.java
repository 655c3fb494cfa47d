package io.pgferry.hostile;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** What the hostile-input tests share: a small table, payloads, the error-body contract, "nothing written". */
final class Hostile {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String QUERY_TIMEOUT = "/activity/typeProperties/source/queryTimeout";
    static final String FOLDER_PATH = "/datasets/1/properties/typeProperties/location/folderPath";
    static final String CSV = "/datasets/1/properties/typeProperties/";

    private static volatile String table;

    private Hostile() {}

    /** A three-row table, created once per test JVM. */
    static synchronized String table(TestingPostgres postgres) {
        if (table == null) {
            String name = "hostile_" + suffix();
            postgres.execute(
                    "CREATE TABLE " + name + " (id int PRIMARY KEY, name text)",
                    "INSERT INTO " + name + " VALUES (1, 'one'), (2, 'two'), (3, NULL)");
            table = name;
        }
        return table;
    }

    /** The end-to-end suite's valid payload: the table to CSV chunks in {@code container}. */
    static ObjectNode payload(TestingPostgres postgres, TestingAzurite azurite, String container) {
        return Payloads.tableToCsv(table(postgres), container, postgres, azurite.connectionString());
    }

    static Response postJson(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path);
    }

    static Response postCopy(JsonNode payload) {
        return postJson("/copy", payload.toString());
    }

    /** An HTTP answer, from rest-assured or from the JDK's client (which can leave out a Content-Type). */
    record Answer(int status, String contentType, String text) {
        static Answer of(Response response) {
            return new Answer(response.statusCode(), String.valueOf(response.contentType()), response.asString());
        }

        static Answer of(java.net.http.HttpResponse<String> response) {
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        }

        JsonNode json() {
            return read(text);
        }
    }

    static JsonNode assertError(Response response, int status, String errorCode, String... pointers) {
        return assertError(Answer.of(response), status, errorCode, pointers);
    }

    static JsonNode assertErrorBody(Response response, int status, List<String> errorCodes) {
        return assertErrorBody(Answer.of(response), status, errorCodes);
    }

    /**
     * The contract of every refusal (hostile-spec.md): the status, an ADF-style JSON body {@code {errorCode, message,
     * failureType, details[]}} with the code, a {@code UserError} when 4xx, every given pointer among
     * {@code details[].pointer}, and no Java class or driver named.
     */
    static JsonNode assertError(Answer response, int status, String errorCode, String... pointers) {
        JsonNode body = assertErrorBody(response, status, List.of(errorCode));
        if (pointers.length > 0) {
            assertThat(pointers(body)).as("details[].pointer of %s", body).contains(pointers);
        }
        return body;
    }

    /** As {@link #assertError} where the spec allows either of some codes (the pointers are not checked). */
    static JsonNode assertErrorBody(Answer response, int status, List<String> errorCodes) {
        String text = response.text();
        assertThat(response.status()).as("status; body: %s", abbreviate(text)).isEqualTo(status);
        assertThat(response.contentType())
                .as("Content-Type of the %s answer; body: %s", status, abbreviate(text))
                .startsWith("application/json");
        JsonNode body;
        try {
            body = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("the " + status + " answer is not JSON: " + abbreviate(text), e);
        }
        assertThat(body.path("errorCode").asText())
                .as("errorCode of %s", abbreviate(text))
                .isIn(errorCodes);
        assertThat(body.path("message").isTextual())
                .as("message of %s", abbreviate(text))
                .isTrue();
        assertThat(body.path("failureType").asText())
                .as("failureType of %s", abbreviate(text))
                .isEqualTo(status < 500 ? "UserError" : "SystemError");
        assertThat(body.path("details").isArray())
                .as("details[] of %s", abbreviate(text))
                .isTrue();
        assertThat(text)
                .as("an error body naming a Java class")
                .doesNotContain("java.", "javax.", "org.postgresql", "Exception");
        return body;
    }

    static List<String> pointers(JsonNode error) {
        List<String> pointers = new ArrayList<>();
        error.path("details")
                .forEach(detail -> pointers.add(detail.path("pointer").asText(null)));
        return pointers;
    }

    static void assertNothingWritten(TestingAzurite azurite, String container) {
        BlobContainerClient client = azurite.container(container);
        if (client.exists()) {
            assertThat(client.listBlobs()).as("blobs in " + container).isEmpty();
        }
    }

    /** Every pointer of {@code node} but the root, in document order. */
    static List<String> allPointers(JsonNode node) {
        List<String> pointers = new ArrayList<>();
        collect(node, "", pointers);
        return pointers;
    }

    private static void collect(JsonNode node, String pointer, List<String> into) {
        if (!pointer.isEmpty()) {
            into.add(pointer);
        }
        if (node.isObject()) {
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                collect(node.get(name), pointer + "/" + name.replace("~", "~0").replace("/", "~1"), into);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), pointer + "/" + i, into);
            }
        }
    }

    static String uniqueContainer() {
        return "h-" + suffix();
    }

    static String abbreviate(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "... (" + text.length() + " chars)";
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
