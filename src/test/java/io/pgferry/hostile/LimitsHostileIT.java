package io.pgferry.hostile;

import static io.pgferry.hostile.Hostile.CSV;
import static io.pgferry.hostile.Hostile.FOLDER_PATH;
import static io.pgferry.hostile.Hostile.QUERY_TIMEOUT;
import static io.pgferry.hostile.Hostile.assertError;
import static io.pgferry.hostile.Hostile.assertErrorBody;
import static io.pgferry.hostile.Hostile.pointers;
import static io.pgferry.hostile.Hostile.postCopy;
import static io.pgferry.hostile.Hostile.uniqueContainer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.hostile.Hostile.Answer;
import io.pgferry.testing.Payloads;
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
 * Hostile requests against the limits of hostile-spec.md ("Limits", and the payload's types, references, expressions,
 * numbers, CSV settings and run id): each is refused with its status, an ADF-style JSON error naming the offending
 * field by JSON pointer, and nothing written to the request's container; or, where the spec says so, it works.
 * Every case sends the suite's valid payload with one hostile change, so that nothing but that change can be refused.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class LimitsHostileIT {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final int MIB = 1024 * 1024;

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path root;

    // ---- malformed bodies ---------------------------------------------------------------------------------------

    /** Text that is not one JSON document: 400 MalformedJson (README's table), nothing copied. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not JSON", "truncated", "trailing garbage", "two documents", "invalid UTF-8"})
    void aBodyThatIsNotJsonIs400MalformedJson(String kind) {
        String container = uniqueContainer();
        String text = payload(container).toString();
        byte[] body =
                switch (kind) {
                    case "not JSON" -> text.replace("\"activity\"", "activity").getBytes(StandardCharsets.UTF_8);
                    case "truncated" -> text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8);
                    case "trailing garbage" -> (text + " ]}x").getBytes(StandardCharsets.UTF_8);
                    case "two documents" -> (text + "\n" + text).getBytes(StandardCharsets.UTF_8);
                    default -> {
                        byte[] utf8 =
                                text.replace("CopyOrders", "Copy\u00e9Orders").getBytes(StandardCharsets.UTF_8);
                        String bytes = new String(utf8, StandardCharsets.ISO_8859_1);
                        int at = bytes.indexOf("Copy") + 4;
                        utf8[at + 1] = '('; // 0xC3 followed by an ASCII byte: not UTF-8
                        yield utf8;
                    }
                };
        Response response = given().contentType(ContentType.JSON).body(body).post("/copy");
        assertErrorBody(response, 400, List.of("MalformedJson"));
        assertNothingWritten(container);
    }

    /** JSON, but not an object: one violation at the root, pointer "". */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"array", "number", "string", "null", "true"})
    void aJsonBodyThatIsNotAnObjectIs400AtTheRoot(String kind) {
        String container = uniqueContainer();
        String body =
                switch (kind) {
                    case "array" -> "[" + payload(container) + "]";
                    case "number" -> "42";
                    case "string" ->
                        Hostile.MAPPER
                                .valueToTree(payload(container).toString())
                                .toString();
                    case "null" -> "null";
                    default -> "true";
                };
        assertError(Hostile.postJson("/copy", body), 400, "InvalidPayload", "");
        assertNothingWritten(container);
    }

    /** An empty body is no JSON document: MalformedJson, or InvalidPayload at the root; never a 500. */
    @Test
    void anEmptyBodyIsA400() {
        Response response =
                given().contentType(ContentType.JSON).body(new byte[0]).post("/copy");
        JsonNode error = assertErrorBody(response, 400, List.of("MalformedJson", "InvalidPayload"));
        if (error.path("errorCode").asText().equals("InvalidPayload")) {
            assertThat(pointers(error)).containsExactly("");
        }
    }

    // ---- sizes, media types, URIs -------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {4 * MIB + 1024, 11 * MIB})
    void aBodyOver4MiBIs413PayloadTooLargeWithAJsonBody(int size) throws Exception {
        String container = uniqueContainer();
        String body = padded(payload(container), size);
        assertThat(body.length()).isGreaterThan(4 * MIB);
        assertErrorBody(Answer.of(send("POST", "/copy", "application/json", body)), 413, List.of("PayloadTooLarge"));
        assertNothingWritten(container);
    }

    /** The limit is 4 MiB, not less: a body just under it (of small strings, little nesting) is copied. */
    @Test
    void aBodyJustUnder4MiBIsCopied() throws Exception {
        String container = uniqueContainer();
        String body = padded(payload(container), 4 * MIB - 64 * 1024);
        Answer answer = Answer.of(send("POST", "/copy", "application/json", body));
        assertThat(answer.status()).as(Hostile.abbreviate(answer.text())).isEqualTo(200);
        assertThat(answer.json().path("rowsCopied").asInt()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{1} to {0}")
    @CsvSource({"/copy, text/plain", "/copy, application/xml", "/runs, text/plain", "/runs, application/xml"})
    void aBodyThatIsNotApplicationJsonIs415WithAJsonBody(String path, String contentType) throws Exception {
        String container = uniqueContainer();
        Answer answer =
                Answer.of(send("POST", path, contentType, payload(container).toString()));
        assertErrorBody(answer, 415, List.of("UnsupportedMediaType"));
        assertNothingWritten(container);
    }

    /** No Content-Type at all is read as JSON (the JDK's client sends none unless told). */
    @Test
    void aBodyWithoutContentTypeIsReadAsJson() throws Exception {
        String container = uniqueContainer();
        Answer copied = Answer.of(send("POST", "/copy", null, payload(container).toString()));
        assertThat(copied.status()).as(Hostile.abbreviate(copied.text())).isEqualTo(200);
        assertThat(copied.json().path("rowsCopied").asInt()).isEqualTo(3);

        Answer started =
                Answer.of(send("POST", "/runs", null, payload(uniqueContainer()).toString()));
        assertThat(started.status()).as(Hostile.abbreviate(started.text())).isEqualTo(202);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/copy", "/runs"})
    void aUriOver4KiBIs414UriTooLongWithAJsonBody(String path) throws Exception {
        String container = uniqueContainer();
        Answer answer = Answer.of(send(
                "POST",
                path + "?pad=" + "a".repeat(5000),
                "application/json",
                payload(container).toString()));
        assertErrorBody(answer, 414, List.of("UriTooLong"));
        assertNothingWritten(container);
    }

    /** Deeper than 64 levels is refused, whether deeper than the parser allows (10,000) or not (100). */
    @ParameterizedTest(name = "{0} deep")
    @ValueSource(ints = {100, 10_000})
    void jsonNestedDeeperThan64Is400(int depth) throws Exception {
        String container = uniqueContainer();
        String text = payload(container).toString();
        String body = text.substring(0, text.length() - 1) + ", \"annotations\": " + "[".repeat(depth)
                + "]".repeat(depth) + "}";
        JsonNode error = assertErrorBody(
                Answer.of(send("POST", "/copy", "application/json", body)),
                400,
                List.of("InvalidPayload", "MalformedJson"));
        if (error.path("errorCode").asText().equals("InvalidPayload")) {
            assertThat(pointers(error))
                    .anySatisfy(pointer -> assertThat(pointer).startsWith("/annotations"));
        }
        assertNothingWritten(container);
    }

    @Test
    void aStringOver1MiBIs400AtItsPointer() {
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        payload.withObject("/activity").put("description", "d".repeat(2 * MIB));
        assertError(postCopy(payload), 400, "InvalidPayload", "/activity/description");
        assertNothingWritten(container);
    }

    // ---- types and references -----------------------------------------------------------------------------------

    /** One hostile change to the valid payload, and the pointer its refusal must name. */
    private record Change(Consumer<ObjectNode> apply, String pointer) {}

    private static final Map<String, Change> BAD_FIELDS = new LinkedHashMap<>();

    static {
        // types
        bad(
                "a number as the source type",
                p -> p.withObject("/activity/typeProperties/source").put("type", 42),
                "/activity/typeProperties/source/type");
        bad("a number as columnDelimiter", p -> csv(p).put("columnDelimiter", 1.5), CSV + "columnDelimiter");
        bad(
                "a number as a referenceName",
                p -> p.withObject("/activity/inputs/0").put("referenceName", 7),
                "/activity/inputs/0/referenceName");
        bad("an object as inputs", p -> p.withObject("/activity").putObject("inputs"), "/activity/inputs");
        bad("an object as datasets", p -> p.putObject("datasets").putObject("OrdersTable"), "/datasets");
        bad("an object as linkedServices", p -> p.putObject("linkedServices").putObject("Postgres"), "/linkedServices");
        bad(
                "an object as partitionNames",
                p -> p.withObject("/activity/typeProperties/source")
                        .put("partitionOption", "PhysicalPartitionsOfTable")
                        .putObject("partitionSettings")
                        .putObject("partitionNames")
                        .put("a", "b"),
                "/activity/typeProperties/source/partitionSettings/partitionNames");
        bad(
                "an array as typeProperties",
                p -> p.withObject("/activity").putArray("typeProperties"),
                "/activity/typeProperties");
        bad("a string as the activity", p -> p.put("activity", "Copy"), "/activity");
        bad(
                "an array as the table name",
                p -> p.withObject("/datasets/0/properties/typeProperties")
                        .putArray("tableName")
                        .add("public")
                        .add("t"),
                "/datasets/0/properties/typeProperties/tableName");
        // references
        bad(
                "an unknown input dataset",
                p -> p.withObject("/activity/inputs/0").put("referenceName", "Nope"),
                "/activity/inputs/0/referenceName");
        bad(
                "an unknown output dataset",
                p -> p.withObject("/activity/outputs/0").put("referenceName", "Nope"),
                "/activity/outputs/0/referenceName");
        bad(
                "an unknown linked service",
                p -> p.withObject("/datasets/1/properties/linkedServiceName").put("referenceName", "Nope"),
                "/datasets/1/properties/linkedServiceName/referenceName");
        bad(
                "two datasets of one name",
                p -> ((ArrayNode) p.get("datasets"))
                        .add(p.get("datasets").get(0).deepCopy()),
                "/datasets/2/name");
        bad(
                "two linked services of one name",
                p -> ((ArrayNode) p.get("linkedServices"))
                        .add(p.get("linkedServices").get(1).deepCopy()),
                "/linkedServices/2/name");
        bad(
                "a dataset naming itself as its linked service",
                p -> p.withObject("/datasets/0/properties/linkedServiceName").put("referenceName", "OrdersTable"),
                "/datasets/0/properties/linkedServiceName/referenceName");
        bad(
                "an input naming a linked service",
                p -> p.withObject("/activity/inputs/0").put("referenceName", "Postgres"),
                "/activity/inputs/0/referenceName");
        bad(
                "a dataset reference typed as a linked service",
                p -> p.withObject("/activity/inputs/0").put("type", "LinkedServiceReference"),
                "/activity/inputs/0/type");
        // expressions ADF has but pgferry does not evaluate
        bad(
                "@activity() in folderPath",
                p -> p.withObject(CSV + "location").put("folderPath", "@activity('x').output"),
                FOLDER_PATH);
        bad(
                "@variables() in the query",
                p -> p.withObject("/activity/typeProperties/source").put("query", "@variables('q')"),
                "/activity/typeProperties/source/query");
        bad(
                "an absent parameter",
                p -> p.withObject(CSV + "location").put("folderPath", "@pipeline().parameters.nope"),
                FOLDER_PATH);
        // numbers
        bad(
                "queryTimeout 99999999 days",
                p -> p.withObject("/activity/typeProperties/source").put("queryTimeout", "99999999.00:00:00"),
                QUERY_TIMEOUT);
        bad(
                "queryTimeout 25 days",
                p -> p.withObject("/activity/typeProperties/source").put("queryTimeout", "25.00:00:00"),
                QUERY_TIMEOUT);
        bad(
                "maxRowsPerFile 1e30",
                p -> formatSettings(p).put("maxRowsPerFile", 1e30),
                "/activity/typeProperties/sink/formatSettings/maxRowsPerFile");
        bad(
                "maxRowsPerFile 10^30",
                p -> formatSettings(p).put("maxRowsPerFile", BigInteger.TEN.pow(30)),
                "/activity/typeProperties/sink/formatSettings/maxRowsPerFile");
        bad(
                "maxRowsPerFile 0",
                p -> formatSettings(p).put("maxRowsPerFile", 0),
                "/activity/typeProperties/sink/formatSettings/maxRowsPerFile");
        bad(
                "maxRowsPerFile -1",
                p -> formatSettings(p).put("maxRowsPerFile", -1),
                "/activity/typeProperties/sink/formatSettings/maxRowsPerFile");
        bad(
                "maxBytesPerFile 2^63",
                p -> formatSettings(p).put("maxBytesPerFile", BigInteger.TWO.pow(63)),
                "/activity/typeProperties/sink/formatSettings/maxBytesPerFile");
        bad(
                "maxBytesPerFile 0",
                p -> formatSettings(p).put("maxBytesPerFile", 0),
                "/activity/typeProperties/sink/formatSettings/maxBytesPerFile");
        bad(
                "blockSizeInMB 10^12",
                p -> storeSettings(p).put("blockSizeInMB", 1_000_000_000_000L),
                "/activity/typeProperties/sink/storeSettings/blockSizeInMB");
        bad(
                "blockSizeInMB 3",
                p -> storeSettings(p).put("blockSizeInMB", 3),
                "/activity/typeProperties/sink/storeSettings/blockSizeInMB");
        bad(
                "blockSizeInMB 101",
                p -> storeSettings(p).put("blockSizeInMB", 101),
                "/activity/typeProperties/sink/storeSettings/blockSizeInMB");
        bad(
                "addDays by 10^18 in folderPath",
                p -> p.withObject(CSV + "location").put("folderPath", "@addDays(utcnow(), 1000000000000000000)"),
                FOLDER_PATH);
        bad(
                "addHours by 2^63-1 in folderPath",
                p -> p.withObject(CSV + "location")
                        .put("folderPath", "@{addHours(utcnow(), 9223372036854775807, 'yyyy')}"),
                FOLDER_PATH);
        bad(
                "parallelCopies 10^12",
                p -> p.withObject("/activity/typeProperties").put("parallelCopies", 1_000_000_000_000L),
                "/activity/typeProperties/parallelCopies");
        bad(
                "parallelCopies 2^31",
                p -> p.withObject("/activity/typeProperties").put("parallelCopies", 2_147_483_648L),
                "/activity/typeProperties/parallelCopies");
        bad(
                "parallelCopies 10^30",
                p -> p.withObject("/activity/typeProperties").put("parallelCopies", BigInteger.TEN.pow(30)),
                "/activity/typeProperties/parallelCopies");
        bad(
                "parallelCopies 0",
                p -> p.withObject("/activity/typeProperties").put("parallelCopies", 0),
                "/activity/typeProperties/parallelCopies");
        // CSV settings
        bad("NUL as columnDelimiter", p -> csv(p).put("columnDelimiter", "\u0000"), CSV + "columnDelimiter");
        bad("NUL as quoteChar", p -> csv(p).put("quoteChar", "\u0000"), CSV + "quoteChar");
        bad("NUL as escapeChar", p -> csv(p).put("escapeChar", "\u0000"), CSV + "escapeChar");
        bad("NUL as nullValue", p -> csv(p).put("nullValue", "\u0000"), CSV + "nullValue");
        bad("NUL inside nullValue", p -> csv(p).put("nullValue", "N\u0000A"), CSV + "nullValue");
        bad("U+0001 as columnDelimiter", p -> csv(p).put("columnDelimiter", "\u0001"), CSV + "columnDelimiter");
        bad("U+007F as quoteChar", p -> csv(p).put("quoteChar", "\u007f"), CSV + "quoteChar");
        bad("U+001F inside nullValue", p -> csv(p).put("nullValue", "N\u001fA"), CSV + "nullValue");
        // run ids
        bad("a run id of 129 characters", p -> p.put("runId", "r".repeat(129)), "/runId");
        bad("a run id with a slash", p -> p.put("runId", "a/b"), "/runId");
        bad("a run id climbing out", p -> p.put("runId", "../pgferry-runs/x"), "/runId");
        bad("a run id with a space", p -> p.put("runId", "a b"), "/runId");
        bad("a run id with NUL", p -> p.put("runId", "a\u0000"), "/runId");
        bad("a run id starting with '-'", p -> p.put("runId", "-a"), "/runId");
        bad("a run id starting with '.'", p -> p.put("runId", ".a"), "/runId");
        bad("a run id that is not ASCII", p -> p.put("runId", "\u00fc"), "/runId");
        bad("an empty run id", p -> p.put("runId", ""), "/runId");
        bad("a number as run id", p -> p.put("runId", 42), "/runId");
    }

    private static void bad(String name, Consumer<ObjectNode> apply, String pointer) {
        BAD_FIELDS.put(name, new Change(apply, pointer));
    }

    static Stream<String> badFields() {
        return BAD_FIELDS.keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFields")
    void aHostileFieldIs400InvalidPayloadAtItsPointer(String name) {
        Change change = BAD_FIELDS.get(name);
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        change.apply().accept(payload);
        JsonNode error = assertError(postCopy(payload), 400, "InvalidPayload", change.pointer());
        assertThat(pointers(error)).allSatisfy(found -> assertPointsInto(payload, found));
        assertNothingWritten(container);
    }

    /** Every pointer of the valid payload. */
    static Stream<String> everyField() {
        return Hostile.allPointers(Payloads.load(
                        "valid/table-to-csv-chunks.json",
                        Map.of("TABLE", "t", "CONTAINER", "c", "PG_CONNECTION", "x", "BLOB_CONNECTION", "y")))
                .stream();
    }

    /**
     * Null anywhere: absent and null are the same to ADF, so an optional field's null is simply its default (200);
     * a required one is refused with 400 InvalidPayload whose pointers all point into the request body (see
     * {@link #assertPointsInto}), never a 500 or a failure at the source or sink.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyField")
    void nullInAnyFieldIsItsDefaultOrA400OnItsPath(String pointer) {
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        JsonNode parent = payload.at(pointer.substring(0, pointer.lastIndexOf('/')));
        String last = pointer.substring(pointer.lastIndexOf('/') + 1)
                .replace("~1", "/")
                .replace("~0", "~");
        if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), JSON.nullNode());
        } else {
            ((ObjectNode) parent).putNull(last);
        }
        Response response = postCopy(payload);
        if (response.statusCode() == 200) {
            return;
        }
        JsonNode error = assertErrorBody(response, 400, List.of("InvalidPayload"));
        assertThat(pointers(error))
                .as("details[].pointer after nulling %s", pointer)
                .isNotEmpty()
                .allSatisfy(found -> assertPointsInto(payload, found));
        assertNothingWritten(container);
    }

    /**
     * An RFC 6901 pointer into {@code body}: the root, or a path through its objects and arrays (array members by
     * index) that may end at, or run through, an absent or null member, but never descends into a string, number or
     * boolean.
     */
    private static void assertPointsInto(JsonNode body, String pointer) {
        if (pointer.isEmpty()) {
            return;
        }
        assertThat(pointer).as("an RFC 6901 pointer").startsWith("/");
        JsonNode node = body;
        for (String segment : pointer.substring(1).split("/", -1)) {
            String name = segment.replace("~1", "/").replace("~0", "~");
            if (node.isArray()) {
                assertThat(name).as("%s: an array member by index", pointer).matches("0|[1-9][0-9]*");
                node = node.path(Integer.parseInt(name));
            } else if (node.isObject()) {
                node = node.path(name);
            } else {
                assertThat(node.isNull() || node.isMissingNode())
                        .as("%s descends into the value %s", pointer, node)
                        .isTrue();
            }
        }
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    /**
     * An interpolation over 200k characters of braces inside a string literal answers: 200 with the one row, or 400 at
     * the query. The JUnit timeout is a hang guard only (the evaluator must be linear, hostile-spec.md), not a speed
     * requirement.
     */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHugeInterpolationOfBracesAnswers() throws Exception {
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        payload.withObject("/activity/typeProperties/source")
                .put("query", "SELECT '@{'" + "}".repeat(210_000) + "'}' AS braces");
        Answer answer = Answer.of(send("POST", "/copy", "application/json", payload.toString()));
        if (answer.status() == 200) {
            assertThat(answer.json().path("rowsCopied").asInt()).isEqualTo(1);
        } else {
            assertError(answer, 400, "InvalidPayload", "/activity/typeProperties/source/query");
            assertNothingWritten(container);
        }
    }

    @ParameterizedTest(name = "{0} deep")
    @ValueSource(ints = {40, 100_000})
    void functionCallsNestedDeeperThan32Are400AtThePointer(int depth) {
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        payload.withObject(CSV + "location")
                .put("folderPath", "@" + "concat(".repeat(depth) + "'exports'" + ")".repeat(depth));
        assertError(postCopy(payload), 400, "InvalidPayload", FOLDER_PATH);
        assertNothingWritten(container);
    }

    /** Nesting within the limit still works. */
    @Test
    void functionCallsNested30DeepAreEvaluated() {
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        payload.withObject(CSV + "location")
                .put("folderPath", "@" + "concat(".repeat(30) + "'nested'" + ")".repeat(30));
        postCopy(payload).then().statusCode(200);
        assertThat(azurite.container(container).listBlobs().stream().map(blob -> blob.getName()))
                .allSatisfy(name -> assertThat(name).startsWith("nested/"));
    }

    // ---- numbers that need another linked service or that must still work ----------------------------------------

    @ParameterizedTest(name = "commandTimeout {0}")
    @ValueSource(longs = {9_999_999_999L, 2_147_484L})
    void aV2CommandTimeoutBeyondWhatStatementTimeoutHoldsIs400(long seconds) {
        String container = uniqueContainer();
        ObjectNode payload = v2(payload(container));
        payload.withObject("/linkedServices/0/properties/typeProperties").put("commandTimeout", seconds);
        assertError(
                postCopy(payload), 400, "InvalidPayload", "/linkedServices/0/properties/typeProperties/commandTimeout");
        assertNothingWritten(container);
    }

    /** The largest timeouts statement_timeout holds (24 days; 2,147,483 s) are accepted. */
    @Test
    void theLargestTimeoutsStillCopy() {
        ObjectNode payload = payload(uniqueContainer());
        payload.withObject("/activity/typeProperties/source").put("queryTimeout", "24.00:00:00");
        postCopy(payload).then().statusCode(200);
        ObjectNode v2 = v2(payload(uniqueContainer()));
        v2.withObject("/linkedServices/0/properties/typeProperties").put("commandTimeout", 2_147_483);
        postCopy(v2).then().statusCode(200);
    }

    /** TAB is the one control character a delimiter may be. */
    @Test
    void aTabDelimiterStillCopies() {
        ObjectNode payload = payload(uniqueContainer());
        csv(payload).put("columnDelimiter", "\t");
        postCopy(payload).then().statusCode(200);
    }

    // ---- run ids ------------------------------------------------------------------------------------------------

    @Test
    void aOneCharacterRunIdCopiesToBlobStorage() {
        String container = uniqueContainer();
        ObjectNode payload = payload(container);
        payload.put("runId", "a");
        Response response = postCopy(payload);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("runId")).isEqualTo("a");
        assertThat(response.jsonPath().getInt("rowsCopied")).isEqualTo(3);
    }

    @Test
    void aOneCharacterRunIdCopiesToAFileServer() {
        ObjectNode payload = payload("unused");
        payload.put("runId", "a");
        ObjectNode linkedService = payload.withObject("/linkedServices/1/properties");
        linkedService.put("type", "FileServer");
        linkedService.putObject("typeProperties").put("host", root.toString());
        payload.withObject(CSV + "location").put("type", "FileServerLocation").remove("container");
        storeSettings(payload).put("type", "FileServerWriteSettings");
        Response response = postCopy(payload);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getString("runId")).isEqualTo("a");
        assertThat(root.resolve("exports/orders/orders_00000.csv")).exists();
    }

    // ---- fixtures -----------------------------------------------------------------------------------------------

    private ObjectNode payload(String container) {
        return Hostile.payload(postgres, azurite, container);
    }

    /** The payload with a PostgreSqlV2 linked service to the same server. */
    private ObjectNode v2(ObjectNode payload) {
        ObjectNode linkedService = payload.withObject("/linkedServices/0/properties");
        linkedService.put("type", "PostgreSqlV2");
        ObjectNode settings = linkedService.putObject("typeProperties");
        settings.put("server", postgres.host())
                .put("port", postgres.port())
                .put("database", TestingPostgres.DATABASE)
                .put("username", TestingPostgres.USER)
                .put("sslMode", 0);
        settings.putObject("password").put("type", "SecureString").put("value", postgres.password());
        payload.withObject("/activity/typeProperties/source").put("type", "PostgreSqlV2Source");
        return payload;
    }

    private static ObjectNode formatSettings(ObjectNode payload) {
        return payload.withObject("/activity/typeProperties/sink/formatSettings");
    }

    private static ObjectNode storeSettings(ObjectNode payload) {
        return payload.withObject("/activity/typeProperties/sink/storeSettings");
    }

    private static ObjectNode csv(ObjectNode payload) {
        return payload.withObject("/datasets/1/properties/typeProperties");
    }

    /** The payload grown to {@code size} characters with 1 KiB strings in {@code annotations} (tolerated by ADF). */
    private static String padded(ObjectNode payload, int size) {
        ArrayNode annotations = payload.withObject("/activity").putArray("annotations");
        String kib = "x".repeat(1021);
        int base = payload.toString().length();
        int count = (size - base) / (kib.length() + 3) + 1;
        for (int i = 0; i < count; i++) {
            annotations.add(kib);
        }
        String text = payload.toString();
        assertThat(text.length()).isBetween(size, size + 2048);
        return text;
    }

    private void assertNothingWritten(String container) {
        Hostile.assertNothingWritten(azurite, container);
    }

    /** A request by the JDK's client: no Content-Type unless given, any URI length, a 60 s answer timeout. */
    private static HttpResponse<String> send(String method, String pathAndQuery, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + RestAssured.port + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
