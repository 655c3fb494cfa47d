package io.pgferry.hostile;

import static io.pgferry.hostile.HostileFixtures.ACTIVITY_NAME;
import static io.pgferry.hostile.HostileFixtures.MAPPER;
import static io.pgferry.hostile.HostileFixtures.POSTGRES_LINKED_SERVICE;
import static io.pgferry.hostile.HostileFixtures.QUERY;
import static io.pgferry.hostile.HostileFixtures.SINK_LINKED_SERVICE;
import static io.pgferry.hostile.HostileFixtures.TABLE_NAME;
import static io.pgferry.hostile.HostileFixtures.assertError;
import static io.pgferry.hostile.HostileFixtures.blobLinkedService;
import static io.pgferry.hostile.HostileFixtures.json;
import static io.pgferry.hostile.HostileFixtures.linesStartingWith;
import static io.pgferry.hostile.HostileFixtures.postgresLinkedService;
import static io.pgferry.hostile.HostileFixtures.source;
import static io.pgferry.testing.Names.suffix;
import static io.pgferry.testing.TestLog.text;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.pgferry.testing.HostInvocations;
import io.pgferry.testing.StorageTestResource;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * Hostile-spec "Runs, triggers, logs, secrets": user text (activity name, table name, query, the server's error
 * echoing it) never starts a line of the log; passwords, account keys and SAS signatures appear in no answer, run
 * record or log line, whether the copy fails at the source, at the sink or succeeds, through {@code POST /copy} and
 * {@code POST /runs}; queue messages and events that are not JSON objects, or whose {@code payloadBlob} climbs, hides
 * a backslash or names the function's own containers, are refused with 400 and copy nothing.
 */
@QuarkusTest
@QuarkusTestResource(StorageTestResource.class)
class LogAndSecretHostileIT {
    private static final String RUNS = "pgferry-runs";

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    /** What a copy answered: the final response and every body and header seen on the way (POST, each poll). */
    record Outcome(Response last, List<String> answers) {
        String text() {
            return String.join("\n", answers);
        }
    }

    /** POST /copy, or POST /runs then GET its Location until the answer is not 202. */
    static Outcome send(String endpoint, ObjectNode payload) {
        List<String> answers = new ArrayList<>();
        Response response = HostileFixtures.post(endpoint, payload);
        answers.add(response.getHeaders().toString() + "\n" + response.asString());
        if (endpoint.equals("/runs") && response.statusCode() == 202) {
            String location = response.header("Location");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (response.statusCode() == 202) {
                assertThat(System.nanoTime())
                        .as("run still 202 after 60 s: " + location)
                        .isLessThan(deadline);
                HostileFixtures.sleep(Duration.ofMillis(100));
                response = given().get(location);
                answers.add(response.getHeaders().toString() + "\n" + response.asString());
            }
        }
        return new Outcome(response, answers);
    }

    static Stream<String> endpoints() {
        return Stream.of("/copy", "/runs");
    }

    // ---- log forging -----------------------------------------------------------------------------------------------

    enum Forgery {
        /** The activity's name, which the log names for every copy. */
        activityName,
        /** A quoted table name with a line break inside; the server's error names the table. */
        tableName,
        /** A query naming a relation that does not exist: the server's error echoes the name. */
        queryNamingAMissingRelation,
        /** A query casting text to int: the server's error echoes the text. */
        queryCastingText,
        /** A query with an unterminated quoted identifier: the server's syntax error echoes it. */
        queryWithAnUnterminatedIdentifier
    }

    static Stream<Arguments> forgeries() {
        return Stream.of(Forgery.values()).flatMap(f -> endpoints().map(e -> Arguments.of(f, e)));
    }

    @ParameterizedTest(name = "[{index}] {0} via {1}")
    @MethodSource("forgeries")
    void userTextNeverStartsALineOfTheLog(Forgery forgery, String endpoint) {
        String marker = "FORGED-" + UUID.randomUUID();
        String injected = "\n" + marker + " INFO fake line";
        String runId = "forge-" + suffix();
        ObjectNode payload =
                HostileFixtures.payload(postgres, azurite, "f-" + suffix()).put("runId", runId);
        switch (forgery) {
            case activityName -> payload.withObject("/activity").put("name", "Copy" + injected);
            case tableName -> {
                source(payload).remove("query");
                payload.withObject("/datasets/0/properties/typeProperties").put("tableName", "\"x" + injected + "\"");
            }
            case queryNamingAMissingRelation -> source(payload).put("query", "SELECT * FROM \"x" + injected + "\"");
            case queryCastingText -> source(payload).put("query", "SELECT 'x" + injected + "'::int AS n");
            case queryWithAnUnterminatedIdentifier -> source(payload).put("query", "SELECT 1 AS \"x" + injected);
        }

        Outcome outcome = send(endpoint, payload);

        Response last = outcome.last();
        JsonNode answer = json(last.asString());
        boolean refusedAsInvalid =
                last.statusCode() == 400 && answer.path("errorCode").asText().equals("InvalidPayload");
        SoftAssertions soft = new SoftAssertions();
        switch (forgery) {
            case activityName -> {
                if (last.statusCode() != 200) {
                    assertError(soft, last, 400, "InvalidPayload", ACTIVITY_NAME);
                }
            }
            case tableName ->
                assertError(soft, last, 400, Set.of("SourceObjectNotFound", "InvalidPayload"), TABLE_NAME);
            case queryNamingAMissingRelation -> assertError(soft, last, 400, "SourceObjectNotFound", QUERY);
            case queryCastingText, queryWithAnUnterminatedIdentifier ->
                assertError(soft, last, 400, "SourceQueryFailed", QUERY);
        }
        String log = text();
        soft.assertThat(linesStartingWith(log, marker))
                .as("log lines starting with the injected text")
                .isEmpty();
        if (!refusedAsInvalid) {
            soft.assertThat(log.lines().anyMatch(line -> line.contains(runId)))
                    .as("the copy %s is in the log (else the log file read is not the application's)", runId)
                    .isTrue();
        }
        soft.assertAll();
    }

    // ---- secrets ---------------------------------------------------------------------------------------------------

    enum Leak {
        wrongPassword,
        wrongPasswordV2,
        unreachableSource,
        wrongAccountKey,
        forgedSasSignature,
        succeedsWithAccountKey,
        succeedsWithSas
    }

    static Stream<Arguments> leaks() {
        return Stream.of(Leak.values()).flatMap(l -> endpoints().map(e -> Arguments.of(l, e)));
    }

    @ParameterizedTest(name = "[{index}] {0} via {1}")
    @MethodSource("leaks")
    void secretsAppearInNoAnswerRunRecordOrLogLine(Leak leak, String endpoint) throws Exception {
        String runId = "secret-" + suffix();
        String container = "s-" + suffix();
        ObjectNode payload =
                HostileFixtures.payload(postgres, azurite, container).put("runId", runId);
        List<String> secrets = new ArrayList<>();
        String accountUrl = azurite.client().getAccountUrl();
        int status;
        String code;
        String linkedService;
        switch (leak) {
            case wrongPassword, unreachableSource -> {
                String password = "pw-wrong-" + UUID.randomUUID();
                secrets.add(password);
                int port = leak == Leak.wrongPassword ? postgres.port() : closedPort();
                postgresLinkedService(payload)
                        .putObject("connectionString")
                        .put("type", "SecureString")
                        .put(
                                "value",
                                "Server=" + postgres.host() + ";Port=" + port + ";Database=" + TestingPostgres.DATABASE
                                        + ";UID=" + TestingPostgres.USER + ";Password=" + password);
                status = leak == Leak.wrongPassword ? 400 : 502;
                code = leak == Leak.wrongPassword ? "SourceAuthenticationFailed" : "SourceUnreachable";
                linkedService = POSTGRES_LINKED_SERVICE;
            }
            case wrongPasswordV2 -> {
                String password = "pw-wrong-" + UUID.randomUUID();
                secrets.add(password);
                ObjectNode linked = payload.withObject("/linkedServices/0/properties");
                linked.put("type", "PostgreSqlV2");
                ObjectNode settings = linked.putObject("typeProperties");
                settings.put("server", postgres.host())
                        .put("port", postgres.port())
                        .put("database", TestingPostgres.DATABASE)
                        .put("username", TestingPostgres.USER)
                        .put("sslMode", 0);
                settings.putObject("password").put("type", "SecureString").put("value", password);
                status = 400;
                code = "SourceAuthenticationFailed";
                linkedService = POSTGRES_LINKED_SERVICE;
            }
            case wrongAccountKey -> {
                String key = Base64.getEncoder()
                        .encodeToString(("key-" + UUID.randomUUID() + "/" + UUID.randomUUID())
                                .getBytes(StandardCharsets.US_ASCII));
                secrets.add(key);
                blobLinkedService(payload)
                        .putObject("connectionString")
                        .put("type", "SecureString")
                        .put("value", azurite.connectionString(key));
                status = 400;
                code = "SinkAuthenticationFailed";
                linkedService = SINK_LINKED_SERVICE;
            }
            case forgedSasSignature -> {
                String signature = "Zm9yZ2Vk" + suffix() + suffix() + "%3D";
                secrets.add(signature);
                String sas = accountSas().replaceFirst("sig=[^&]+", "sig=" + signature);
                blobLinkedService(payload)
                        .removeAll()
                        .putObject("sasUri")
                        .put("type", "SecureString")
                        .put("value", accountUrl + "?" + sas);
                status = 400;
                code = "SinkAuthenticationFailed";
                linkedService = SINK_LINKED_SERVICE;
            }
            case succeedsWithAccountKey -> {
                secrets.add(postgres.password());
                secrets.add(TestingAzurite.KEY);
                status = 200;
                code = null;
                linkedService = null;
            }
            case succeedsWithSas -> {
                String sas = accountSas();
                secrets.add(sas.replaceFirst(".*sig=([^&]+).*", "$1"));
                secrets.add(postgres.password());
                blobLinkedService(payload)
                        .removeAll()
                        .putObject("sasUri")
                        .put("type", "SecureString")
                        .put("value", accountUrl + "?" + sas);
                status = 200;
                code = null;
                linkedService = null;
            }
            default -> throw new IllegalStateException(leak.toString());
        }

        Outcome outcome = send(endpoint, payload);

        Response last = outcome.last();
        SoftAssertions soft = new SoftAssertions();
        if (status == 200) {
            soft.assertThat(last.statusCode()).as(last.asString()).isEqualTo(200);
            soft.assertThat(
                            azurite.container(container).exists()
                                    ? azurite.container(container).listBlobs().stream()
                                            .count()
                                    : 0)
                    .as("blobs written: the file and its manifest")
                    .isEqualTo(2);
        } else {
            assertError(soft, last, status, code, null);
            for (JsonNode detail : json(last.asString()).path("details")) {
                soft.assertThat(detail.path("pointer").asText())
                        .as("a detail names the linked service's field")
                        .startsWith(linkedService);
            }
        }
        String answers = outcome.text();
        java.util.Map<String, String> records = runRecords();
        List<String> logLines = text().lines().toList();
        for (String secret : spellings(secrets)) {
            soft.assertThat(answers).as("answers (bodies and headers)").doesNotContain(secret);
            soft.assertThat(records.entrySet().stream()
                            .filter(r -> r.getValue().contains(secret))
                            .map(java.util.Map.Entry::getKey)
                            .toList())
                    .as("run records in %s holding %s", RUNS, secret)
                    .isEmpty();
            soft.assertThat(logLines.stream()
                            .filter(line -> line.contains(secret))
                            .toList())
                    .as("log lines holding %s", secret)
                    .isEmpty();
        }
        soft.assertThat(logLines.stream().anyMatch(line -> line.contains(runId)))
                .as("the copy %s is in the log (else the log file read is not the application's)", runId)
                .isTrue();
        if (endpoint.equals("/runs")) {
            soft.assertThat(records).as("the run's record").containsKey(runId + ".json");
        }
        soft.assertAll();
    }

    /** Each secret as given, URL-encoded and URL-decoded. */
    private static Set<String> spellings(List<String> secrets) {
        Set<String> spellings = new LinkedHashSet<>();
        for (String secret : secrets) {
            spellings.add(secret);
            spellings.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
            spellings.add(URLDecoder.decode(secret, StandardCharsets.UTF_8));
        }
        return spellings;
    }

    /** Every run record (but the payloads this class plants), by blob name. */
    private java.util.Map<String, String> runRecords() {
        BlobContainerClient runs = azurite.container(RUNS);
        java.util.Map<String, String> records = new java.util.TreeMap<>();
        if (!runs.exists()) {
            return records;
        }
        for (BlobItem blob : runs.listBlobs()) {
            if (!blob.getName().startsWith(PLANTED)) {
                records.put(
                        blob.getName(),
                        runs.getBlobClient(blob.getName()).downloadContent().toString());
            }
        }
        return records;
    }

    private String accountSas() {
        return azurite.client()
                .generateAccountSas(new AccountSasSignatureValues(
                        OffsetDateTime.now().plusHours(1),
                        AccountSasPermission.parse("rwdlac"),
                        new AccountSasService().setBlobAccess(true),
                        new AccountSasResourceType()
                                .setService(true)
                                .setContainer(true)
                                .setObject(true)));
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- queue messages and events ---------------------------------------------------------------------------------

    /**
     * Blobs a careless reader would find, planted afresh for each test: valid copy payloads in a payload container
     * (under the plain name and under literal names with '..' and backslashes) and in the function's own containers,
     * all copying into {@link #target}, which must therefore never appear.
     */
    record Planted(String payloads, String target, String control, String controlTarget, String own, String endpoint) {
        /** The reference with {P} (payload container), {E} (blob endpoint), {R}, {H}, {S} filled in. */
        String fill(String template) {
            return template.replace("{P}", payloads)
                    .replace("{E}", endpoint)
                    .replace("{R}", own)
                    .replace("{H}", own)
                    .replace("{S}", own);
        }
    }

    private static final List<String> OWN_CONTAINERS = List.of(RUNS, "azure-webjobs-hosts", "azure-webjobs-secrets");
    private static final String PLANTED = "planted-";

    private Planted planted;

    private Planted planted() {
        if (planted != null) {
            return planted;
        }
        String tag = suffix();
        Planted p = new Planted(
                "hp-" + tag, "ht-" + tag, "ok.json", "hc-" + tag, PLANTED + tag + ".json", azurite.blobEndpoint());
        String payload = HostileFixtures.payload(postgres, azurite, p.target()).toString();
        azurite.container(p.payloads()).createIfNotExists();
        for (String name : List.of(
                "payload.json",
                "x/../payload.json",
                "x\\payload.json",
                "x\\..\\payload.json",
                "x/%2E%2E/payload.json")) {
            try {
                azurite.container(p.payloads()).getBlobClient(name).upload(BinaryData.fromString(payload), true);
            } catch (RuntimeException e) {
                // best effort: a name the service refuses cannot be read either
            }
        }
        azurite.container(p.payloads())
                .getBlobClient(p.control())
                .upload(
                        BinaryData.fromString(HostileFixtures.payload(postgres, azurite, p.controlTarget())
                                .toString()),
                        true);
        for (String own : OWN_CONTAINERS) {
            azurite.container(own).createIfNotExists();
            azurite.container(own).getBlobClient(p.own()).upload(BinaryData.fromString(payload), true);
        }
        planted = p;
        return p;
    }

    /** The planted payloads hold the test database's password: they leave the function's containers at once. */
    @AfterEach
    void removePlantedPayloads() {
        if (planted != null) {
            for (String own : OWN_CONTAINERS) {
                azurite.container(own).getBlobClient(planted.own()).deleteIfExists();
            }
            azurite.container(planted.payloads()).deleteIfExists();
            planted = null;
        }
    }

    /** The references a queue message or event may not name (templates, see {@link Planted#fill}). */
    private static final List<String> HOSTILE_REFERENCES = List.of(
            "{P}/x/../payload.json",
            "../{P}/payload.json",
            "{P}/../{P}/payload.json",
            "{P}/x\\..\\payload.json",
            "{P}\\payload.json",
            "{P}/x\\payload.json",
            "{E}/{P}/x/../payload.json",
            "{E}/{P}/x/%2E%2E/payload.json",
            "{E}/{P}/x%5C..%5Cpayload.json",
            "pgferry-runs/{R}",
            "azure-webjobs-hosts/{H}",
            "azure-webjobs-secrets/{S}",
            "{E}/pgferry-runs/{R}",
            "{E}/azure-webjobs-hosts/{H}",
            "{E}/azure-webjobs-secrets/{S}");

    /** How a hostile message reaches pgferry. */
    enum Route {
        /** The queue trigger's invocation, the message holding {@code {"payloadBlob": ...}}. */
        queuePayloadBlob,
        /** The Event Grid trigger's invocation of a custom CloudEvent whose data holds {@code payloadBlob}. */
        eventPayloadBlob,
        /** The Event Grid trigger's invocation of a BlobCreated event for the blob at that URL. */
        eventBlobCreated,
        /** The webhook, a delivery of one custom event whose data holds {@code payloadBlob}. */
        webhookPayloadBlob,
        /** The webhook, a delivery of one BlobCreated event. */
        webhookBlobCreated
    }

    static Stream<Arguments> hostileReferences() {
        List<Arguments> cases = new ArrayList<>();
        for (String reference : HOSTILE_REFERENCES) {
            cases.add(Arguments.of(Route.queuePayloadBlob, reference));
            cases.add(Arguments.of(Route.webhookPayloadBlob, reference));
        }
        for (String reference : List.of(
                "{P}/x/../payload.json",
                "{P}\\payload.json",
                "pgferry-runs/{R}",
                "azure-webjobs-hosts/{H}",
                "azure-webjobs-secrets/{S}",
                "{E}/azure-webjobs-secrets/{S}")) {
            cases.add(Arguments.of(Route.eventPayloadBlob, reference));
        }
        for (String reference : List.of(
                "{E}/{P}/x/../payload.json",
                "{E}/{P}/x/%2E%2E/payload.json",
                "{E}/pgferry-runs/{R}",
                "{E}/azure-webjobs-hosts/{H}",
                "{E}/azure-webjobs-secrets/{S}")) {
            cases.add(Arguments.of(Route.eventBlobCreated, reference));
            cases.add(Arguments.of(Route.webhookBlobCreated, reference));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}: {1}")
    @MethodSource("hostileReferences")
    void aPayloadBlobThatClimbsHidesABackslashOrNamesTheFunctionsOwnContainersIsRefused(Route route, String template) {
        Planted p = planted();
        String reference = p.fill(template);
        String id = "hostile-" + suffix();
        Response response;
        String pointer;
        switch (route) {
            case queuePayloadBlob -> {
                response = invoke(
                        "/copyOnQueue",
                        HostInvocations.queue(
                                MAPPER.createObjectNode()
                                        .put("payloadBlob", reference)
                                        .toString(),
                                id,
                                "pr",
                                1));
                pointer = "/Data/message/payloadBlob";
            }
            case eventPayloadBlob -> {
                response = invoke(
                        "/copyOnEvent",
                        HostInvocations.event(HostInvocations.cloudEvent(
                                id, MAPPER.createObjectNode().put("payloadBlob", reference))));
                pointer = "/Data/event/data/payloadBlob";
            }
            case eventBlobCreated -> {
                response = invoke(
                        "/copyOnEvent", HostInvocations.event(HostInvocations.blobCreated(id, reference, "PutBlob")));
                pointer = "/Data/event/data/url";
            }
            case webhookPayloadBlob -> {
                response = deliver(MAPPER.createArrayNode()
                        .add(customEvent(id, MAPPER.createObjectNode().put("payloadBlob", reference)))
                        .toString());
                pointer = "/0/data/payloadBlob";
            }
            case webhookBlobCreated -> {
                response = deliver(MAPPER.createArrayNode()
                        .add(HostInvocations.blobCreated(id, reference, "PutBlob"))
                        .toString());
                pointer = "/0/data/url";
            }
            default -> throw new IllegalStateException(route.toString());
        }

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", pointer);
        assertNothingCopied(soft, p, id);
        soft.assertAll();
    }

    /** Queue messages that are no JSON object: refused at the message, never a 5xx. */
    static Stream<String> messagesThatAreNoObject() {
        return Stream.of(
                "not json",
                "{\"payloadBlob\": ",
                "[1, 2, 3]",
                "[{\"payloadBlob\": \"a/b.json\"}]",
                "42",
                "\"just text\"",
                "null",
                "true",
                "");
    }

    @ParameterizedTest(name = "[{index}] message = {0}")
    @MethodSource("messagesThatAreNoObject")
    void aQueueMessageThatIsNoJsonObjectIsRefusedAtTheMessage(String message) {
        Planted p = planted();
        String id = "hostile-" + suffix();

        Response response = invoke("/copyOnQueue", HostInvocations.queue(message, id, "pr", 1));

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", "/Data/message");
        assertNothingCopied(soft, p, id);
        soft.assertAll();
    }

    /** A payloadBlob that is not a string, or empty. */
    static Stream<Arguments> payloadBlobsThatAreNoReference() {
        return Stream.of(
                Arguments.of("42", IntNode.valueOf(42)),
                Arguments.of("[]", MAPPER.createArrayNode()),
                Arguments.of("{}", MAPPER.createObjectNode()),
                Arguments.of("\"\"", TextNode.valueOf("")),
                Arguments.of("null", MAPPER.nullNode()));
    }

    @ParameterizedTest(name = "[{index}] payloadBlob = {0}")
    @MethodSource("payloadBlobsThatAreNoReference")
    void aPayloadBlobThatIsNoReferenceIsRefusedAtIt(String label, JsonNode value) {
        Planted p = planted();
        String id = "hostile-" + suffix();
        ObjectNode message = MAPPER.createObjectNode();
        message.set("payloadBlob", value);

        Response response = invoke("/copyOnQueue", HostInvocations.queue(message.toString(), id, "pr", 1));

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", "/Data/message/payloadBlob");
        assertNothingCopied(soft, p, id);
        soft.assertAll();
    }

    /** The Event Grid trigger's event is not an object. */
    static Stream<Arguments> eventsThatAreNoObject() {
        return Stream.of(
                Arguments.of("\"not json\"", TextNode.valueOf("not json")),
                Arguments.of("\"{\\\"id\\\": \"", TextNode.valueOf("{\"id\": ")),
                Arguments.of("[1]", MAPPER.createArrayNode().add(1)),
                Arguments.of("42", IntNode.valueOf(42)),
                Arguments.of("null", MAPPER.nullNode()));
    }

    @ParameterizedTest(name = "[{index}] event = {0}")
    @MethodSource("eventsThatAreNoObject")
    void anEventThatIsNoObjectIsRefusedAtTheEvent(String label, JsonNode event) {
        Planted p = planted();
        ObjectNode invocation = MAPPER.createObjectNode();
        invocation.putObject("Data").set("event", event);
        invocation.putObject("Metadata").putObject("sys").put("MethodName", "copyOnEvent");

        Response response = invoke("/copyOnEvent", invocation);

        SoftAssertions soft = new SoftAssertions();
        assertError(soft, response, 400, "InvalidPayload", "/Data/event");
        assertNothingCopied(soft, p, null);
        soft.assertAll();
    }

    /** Webhook deliveries that are no event: 400 with a code, the JSON ones with a pointer; never 5xx. */
    static Stream<Arguments> deliveriesThatAreNoEvents() {
        return Stream.of(
                Arguments.of("not json", Set.of("MalformedJson", "InvalidPayload"), null),
                Arguments.of("{\"id\": ", Set.of("MalformedJson", "InvalidPayload"), null),
                Arguments.of("42", Set.of("InvalidPayload"), ""),
                Arguments.of("\"text\"", Set.of("InvalidPayload"), ""),
                Arguments.of("null", Set.of("InvalidPayload"), ""),
                Arguments.of("[42]", Set.of("InvalidPayload"), "/0"),
                Arguments.of("[[]]", Set.of("InvalidPayload"), "/0"));
    }

    @ParameterizedTest(name = "[{index}] body = {0}")
    @MethodSource("deliveriesThatAreNoEvents")
    void aWebhookDeliveryThatIsNoEventIsRefused(String body, Set<String> codes, String pointer) {
        Planted p = planted();

        Response response = deliver(body);

        SoftAssertions soft = new SoftAssertions();
        if (pointer == null || pointer.isEmpty()) {
            assertError(soft, response, 400, codes, pointer);
        } else {
            // The event at fault, or a field of it.
            String actual = json(response.asString())
                    .path("details")
                    .path(0)
                    .path("pointer")
                    .asText();
            soft.assertThat(actual)
                    .as("details[0].pointer; body %s", response.asString())
                    .startsWith(pointer);
            assertError(soft, response, 400, codes, actual);
        }
        assertNothingCopied(soft, p, null);
        soft.assertAll();
    }

    /** Invocation bodies the host would never send: still a 400 with a code, never a 5xx. */
    static Stream<String> invocationsThatAreNoObject() {
        return Stream.of("{not json", "null", "[]", "42", "");
    }

    @ParameterizedTest(name = "[{index}] /copyOnQueue body = {0}")
    @MethodSource("invocationsThatAreNoObject")
    void aQueueInvocationThatIsNoObjectIsRefused(String body) {
        Response response = given().contentType("application/json; charset=utf-8")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/copyOnQueue");

        assertError(response, 400, Set.of("MalformedJson", "InvalidPayload"), null);
    }

    /** The fixture's control: a plain payloadBlob in an ordinary container is read and copied. */
    @Test
    void aPlainPayloadBlobIsStillCopied() {
        Planted p = planted();

        Response response = invoke(
                "/copyOnQueue",
                HostInvocations.queue(
                        MAPPER.createObjectNode()
                                .put("payloadBlob", p.payloads() + "/" + p.control())
                                .toString(),
                        "control-" + suffix(),
                        "pr",
                        1));

        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(azurite.container(p.controlTarget()).listBlobs().stream().count())
                .as("the file and its manifest")
                .isEqualTo(2);
    }

    private void assertNothingCopied(SoftAssertions soft, Planted p, String runId) {
        soft.assertThat(azurite.container(p.target()).exists())
                .as("the planted payloads' target container")
                .isFalse();
        if (runId != null) {
            soft.assertThat(azurite.container(RUNS)
                            .getBlobClient(runId + ".json")
                            .exists())
                    .as("a run record")
                    .isFalse();
        }
    }

    private static ObjectNode customEvent(String id, JsonNode data) {
        ObjectNode event = MAPPER.createObjectNode()
                .put("id", id)
                .put("topic", "/custom")
                .put("subject", "copies")
                .put("eventType", "Pgferry.CopyRequested")
                .put("eventTime", Instant.now().toString())
                .put("dataVersion", "1")
                .put("metadataVersion", "1");
        event.set("data", data);
        return event;
    }

    /** An Event Grid delivery to the webhook. */
    private static Response deliver(String body) {
        return given().contentType(ContentType.JSON)
                .header("aeg-event-type", "Notification")
                .header("aeg-delivery-count", "0")
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/events");
    }

    /** The host's invocation POST, as TriggersIT sends it. */
    private static Response invoke(String path, ObjectNode invocation) {
        return given().contentType("application/json; charset=utf-8")
                .header("X-Azure-Functions-HostVersion", "4.1041.200.25071")
                .header("X-Azure-Functions-InvocationId", UUID.randomUUID().toString())
                .header("User-Agent", "Azure-Functions-Host/4.1041.200.25071")
                .body(invocation.toString().getBytes(StandardCharsets.UTF_8))
                .post(path);
    }
}
