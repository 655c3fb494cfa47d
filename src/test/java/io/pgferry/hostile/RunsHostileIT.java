package io.pgferry.hostile;

import static io.pgferry.hostile.Hostile.CSV;
import static io.pgferry.hostile.Hostile.FOLDER_PATH;
import static io.pgferry.hostile.Hostile.QUERY_TIMEOUT;
import static io.pgferry.hostile.Hostile.abbreviate;
import static io.pgferry.hostile.Hostile.assertError;
import static io.pgferry.hostile.Hostile.uniqueContainer;
import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.hostile.Hostile.Answer;
import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * {@code /runs} with hostile input (hostile-spec.md, "Runs"): a hostile payload is refused, at {@code POST} or by the
 * run's end, with the same 400 and pointer {@code /copy} answers; every run that starts reaches a terminal state
 * (Succeeded, or Failed with its error) whatever throws, so a poller never sees 202 forever; and a run id in the URL
 * that is no run id is answered with a 4xx ADF-style error, never read from or written to another blob.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class RunsHostileIT {
    /** Polls of a run's status URL before giving up, 200 ms apart: a bounded count, not a time limit under test. */
    private static final int POLLS = 100;

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path root;

    private record Change(Consumer<ObjectNode> apply, String pointer) {}

    private static final Map<String, Change> HOSTILE = new LinkedHashMap<>();

    static {
        HOSTILE.put(
                "NUL as columnDelimiter",
                new Change(
                        p -> p.withObject("/datasets/1/properties/typeProperties")
                                .put("columnDelimiter", "\u0000"),
                        CSV + "columnDelimiter"));
        HOSTILE.put(
                "NUL as nullValue",
                new Change(
                        p -> p.withObject("/datasets/1/properties/typeProperties")
                                .put("nullValue", "\u0000"),
                        CSV + "nullValue"));
        HOSTILE.put(
                "queryTimeout 25 days",
                new Change(
                        p -> p.withObject("/activity/typeProperties/source").put("queryTimeout", "25.00:00:00"),
                        QUERY_TIMEOUT));
        HOSTILE.put(
                "addDays by 10^18",
                new Change(
                        p -> p.withObject(CSV + "location")
                                .put("folderPath", "@addDays(utcnow(), 1000000000000000000)"),
                        FOLDER_PATH));
        HOSTILE.put(
                "calls nested 100,000 deep",
                new Change(
                        p -> p.withObject(CSV + "location")
                                .put("folderPath", "@" + "concat(".repeat(100_000) + "'x'" + ")".repeat(100_000)),
                        FOLDER_PATH));
        HOSTILE.put(
                "calls nested 40 deep",
                new Change(
                        p -> p.withObject(CSV + "location")
                                .put("folderPath", "@" + "concat(".repeat(40) + "'x'" + ")".repeat(40)),
                        FOLDER_PATH));
        HOSTILE.put(
                "a blob name over 1,024 characters",
                new Change(p -> p.withObject(CSV + "location").put("folderPath", "f/".repeat(600) + "x"), FOLDER_PATH));
        HOSTILE.put(
                "a '..' segment in folderPath",
                new Change(p -> p.withObject(CSV + "location").put("folderPath", "exports/../../x"), FOLDER_PATH));
        HOSTILE.put("a run id climbing out", new Change(p -> p.put("runId", "../pgferry-runs/x"), "/runId"));
        HOSTILE.put("a run id of 129 characters", new Change(p -> p.put("runId", "r".repeat(129)), "/runId"));
    }

    static Stream<String> hostilePayloads() {
        return HOSTILE.keySet().stream();
    }

    /**
     * Refused at once (400 at the pointer), or started and then ended with that same error; either way the run is
     * no longer 202 within {@link #POLLS} polls, its record is terminal and nothing was written.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostilePayloads")
    void aHostilePayloadEndsAs400AtItsPointer(String name) {
        Change change = HOSTILE.get(name);
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        change.apply().accept(payload);

        Response started =
                given().contentType(ContentType.JSON).body(payload.toString()).post("/runs");
        Answer end = started.statusCode() == 202 ? awaitEnd(started) : Answer.of(started);

        assertError(end, 400, "InvalidPayload", change.pointer());
        if (started.statusCode() == 202) {
            assertTerminal(started.jsonPath().getString("runId"), "Failed");
        }
        Hostile.assertNothingWritten(azurite, container);
    }

    /** A copy that fails while it runs ends Failed with its error (SQLSTATE-classified), not abandoned. */
    @Test
    void aRunFailingMidStreamEndsFailedWithItsError() {
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        payload.withObject("/activity/typeProperties/source")
                .put("query", "SELECT i, 1 / (i - 2500) AS boom FROM generate_series(1, 3000) i");
        Response started =
                given().contentType(ContentType.JSON).body(payload.toString()).post("/runs");
        assertThat(started.statusCode()).as(started.asString()).isEqualTo(202);

        assertError(awaitEnd(started), 400, "SourceQueryFailed");
        assertTerminal(started.jsonPath().getString("runId"), "Failed");
        Hostile.assertNothingWritten(azurite, container);
    }

    /**
     * A one-character run id is valid (hostile-spec.md, "Short run ids work"); to a FileServer sink it must copy, and
     * whatever the copy throws, the run must end: Succeeded with its output here, never 202 until abandoned.
     */
    @Test
    void aOneCharacterRunIdToAFileServerRunsToItsEnd() {
        ObjectNode payload = payload("unused");
        payload.put("runId", "q");
        ObjectNode linkedService = payload.withObject("/linkedServices/1/properties");
        linkedService.put("type", "FileServer");
        linkedService.putObject("typeProperties").put("host", root.toString());
        payload.withObject(CSV + "location").put("type", "FileServerLocation").remove("container");
        payload.withObject("/activity/typeProperties/sink/storeSettings").put("type", "FileServerWriteSettings");

        Response started =
                given().contentType(ContentType.JSON).body(payload.toString()).post("/runs");
        assertThat(started.statusCode()).as(started.asString()).isEqualTo(202);
        Answer end = awaitEnd(started);

        assertThat(end.status()).as(abbreviate(end.text())).isEqualTo(200);
        assertThat(end.json().path("rowsCopied").asInt()).isEqualTo(3);
        assertTerminal("q", "Succeeded");
        assertThat(root.resolve("exports/orders/orders_00000.csv")).exists();
    }

    // ---- run ids in the URL -------------------------------------------------------------------------------------

    /** Run ids as sent in the path (percent-encoded where they must be), none of them a run id. */
    private static final List<String> HOSTILE_IDS = List.of(
            "%2E%2E",
            "%2E%2E%2Fpgferry-runs",
            "a%2Fb",
            "a%5Cb",
            "a%00b",
            "a%20b",
            "a%0D%0AX-Injected:%201",
            "%C3%BC",
            "-a",
            ".a",
            "a..json%3F",
            "r".repeat(1000),
            "%2E%2E%2F%2E%2E%2Fdevstoreaccount1%2Fpgferry-runs%2Fx");

    static Stream<Arguments> hostileIds() {
        return Stream.of("GET", "DELETE").flatMap(method -> HOSTILE_IDS.stream().map(id -> Arguments.of(method, id)));
    }

    @ParameterizedTest(name = "{0} /runs/{1}")
    @MethodSource("hostileIds")
    void aRunIdThatIsNoRunIdIsA4xxWithACode(String method, String id) throws Exception {
        Answer answer = Answer.of(send(method, "/runs/" + id));
        assertUserError(answer);
    }

    /**
     * A run id that climbs out of the run records' container reads nothing there and changes nothing there: a record
     * planted in another container is neither answered ({@code GET}) nor marked {@code Canceling} ({@code DELETE}).
     */
    @Test
    void aRunIdCannotReachABlobOutsideTheRunRecords() throws Exception {
        String other = "leak-" + suffix();
        azurite.container(other).create();
        String secret = "leaked-" + suffix();
        String now = Instant.now().toString();
        BlobClient finished = azurite.container(other).getBlobClient("r.json");
        finished.upload(BinaryData.fromString("{\"runId\":\"r\",\"status\":\"Failed\",\"trigger\":\"http\","
                + "\"startedAt\":\"" + now + "\",\"updatedAt\":\"" + now + "\",\"rowsCopied\":0,"
                + "\"estimatedRows\":-1,\"httpStatus\":200,\"error\":{\"errorCode\":\"" + secret + "\",\"message\":\""
                + secret + "\",\"failureType\":\"UserError\",\"details\":[]}}"));
        BlobClient running = azurite.container(other).getBlobClient("p.json");
        String runningRecord = "{\"runId\":\"p\",\"status\":\"InProgress\",\"trigger\":\"http\",\"startedAt\":\"" + now
                + "\",\"updatedAt\":\"" + now + "\",\"rowsCopied\":0,\"estimatedRows\":-1,\"httpStatus\":0}";
        running.upload(BinaryData.fromString(runningRecord));
        String etag = running.getProperties().getETag();

        for (String method : List.of("GET", "DELETE")) {
            for (String climb : List.of("..%2F" + other + "%2Fr", "%2E%2E%2F" + other + "%2Fr")) {
                Answer answer = Answer.of(send(method, "/runs/" + climb));
                assertThat(answer.text()).as("%s %s", method, climb).doesNotContain(secret);
                assertUserError(answer);
            }
            for (String climb : List.of("..%2F" + other + "%2Fp", "%2E%2E%2F" + other + "%2Fp")) {
                assertUserError(Answer.of(send(method, "/runs/" + climb)));
            }
        }
        assertThat(running.getProperties().getETag())
                .as("the planted running record was rewritten")
                .isEqualTo(etag);
        assertThat(running.downloadContent().toString()).isEqualTo(runningRecord);
    }

    // ---- fixtures -----------------------------------------------------------------------------------------------

    private ObjectNode payload(String container) {
        return Hostile.payload(postgres, azurite, container);
    }

    /** Polls the run's Location until it answers other than 202, at most {@link #POLLS} times. */
    private static Answer awaitEnd(Response started) {
        String location = started.header("Location");
        assertThat(location).as("Location of %s", started.asString()).isNotNull();
        for (int poll = 0; poll < POLLS; poll++) {
            Response response = given().get(location);
            if (response.statusCode() != 202) {
                return Answer.of(response);
            }
            Hostile.sleep(200);
        }
        throw new AssertionError("the run still answers 202 after " + POLLS + " polls: " + location);
    }

    /** The run's record in the run store holds a terminal status. */
    private void assertTerminal(String runId, String status) {
        BlobClient record = azurite.container("pgferry-runs").getBlobClient(runId + ".json");
        JsonNode stored = Hostile.read(record.downloadContent().toString());
        assertThat(stored.path("status").asText())
                .as("record of run %s: %s", runId, stored)
                .isEqualTo(status);
    }

    /** A 4xx with an ADF-style JSON error: a code, a message, UserError, details[]; no Java class named. */
    private static void assertUserError(Answer answer) {
        assertThat(answer.status())
                .as("status; body: %s", abbreviate(answer.text()))
                .isBetween(400, 499);
        JsonNode error = Hostile.assertErrorBody(answer, answer.status(), List.of(answerCode(answer)));
        assertThat(error.path("errorCode").asText()).isNotBlank();
    }

    private static String answerCode(Answer answer) {
        try {
            return answer.json().path("errorCode").asText("");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static HttpResponse<String> send(String method, String rawPath) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + rawPath))
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
