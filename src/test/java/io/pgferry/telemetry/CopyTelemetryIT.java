package io.pgferry.telemetry;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.pgferry.testing.Names;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Processes;
import io.pgferry.testing.QueueHost;
import io.pgferry.testing.Requests;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * With the OpenTelemetry SDK switched on, a copy through {@code POST /copy} is one trace (the copy, its plan, a read
 * per slice with its uploads, the commit) and its counters hold what the copy answered; a failed copy's span carries
 * its error code; no span or metric holds a password, a key or a connection string.
 */
@QuarkusTest
@TestProfile(CopyTelemetryIT.Enabled.class)
class CopyTelemetryIT {
    private static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("pgferry.run_id");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("pgferry.outcome");
    private static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("pgferry.error.code");
    private static final AttributeKey<Long> SLICE = AttributeKey.longKey("pgferry.slice");
    private static final int ROWS = 3000;

    /** The SDK on, as an operator switches it on at run time; spans and metrics exported at once. */
    public static final class Enabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.bsp.schedule.delay", "10ms",
                    "quarkus.otel.metric.export.interval", "100ms");
        }
    }

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @Inject
    OpenTelemetry openTelemetry;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    InMemoryMetricExporter metrics;

    private String table;

    @BeforeEach
    void table() {
        table = "telemetry_" + Names.suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text)",
                "INSERT INTO " + table + " SELECT i, 'row ' || i FROM generate_series(1, " + ROWS + ") i");
    }

    @Test
    void aCopyIsOneTraceOfItsStagesAndItsCountersHoldWhatItAnswered() {
        ObjectNode payload = payload(azurite.connectionString());
        payload.withObject("/activity/typeProperties").put("parallelCopies", 2);

        JsonPath answer = Requests.postJson("/copy", payload)
                .statusCode(200)
                .body("rowsCopied", equalTo(ROWS))
                .body("usedParallelCopies", equalTo(2))
                .extract()
                .jsonPath();
        InMemoryTelemetry.flush(openTelemetry);

        SpanData copy = copySpan(answer.getString("runId"));
        assertThat(copy.getParentSpanContext().isValid()).isFalse();
        assertThat(copy.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(copy.getAttributes().asMap())
                .containsEntry(AttributeKey.stringKey("pgferry.activity"), "CopyOrders")
                .containsEntry(AttributeKey.stringKey("pgferry.source.kind"), "table")
                .containsEntry(AttributeKey.stringKey("pgferry.sink.type"), "AzureBlobStorage")
                .containsEntry(AttributeKey.stringKey("pgferry.format"), "DelimitedText")
                .containsEntry(AttributeKey.longKey("pgferry.slices"), 2L)
                .containsEntry(AttributeKey.longKey("pgferry.rows"), (long) ROWS)
                .containsEntry(AttributeKey.longKey("pgferry.bytes.read"), answer.getLong("dataRead"))
                .containsEntry(AttributeKey.longKey("pgferry.bytes.written"), answer.getLong("dataWritten"))
                .containsEntry(AttributeKey.longKey("pgferry.files"), answer.getLong("filesWritten"));

        List<SpanData> trace = trace(copy);
        assertThat(trace).extracting(SpanData::getName).allMatch(name -> name.startsWith("pgferry."));
        assertThat(childrenOf(copy, trace))
                .extracting(SpanData::getName)
                .containsExactlyInAnyOrder("pgferry.plan", "pgferry.read", "pgferry.read", "pgferry.commit");
        SpanData plan = only("pgferry.plan", childrenOf(copy, trace));
        assertThat(plan.getAttributes().get(AttributeKey.longKey("pgferry.slices")))
                .isEqualTo(2L);
        List<SpanData> reads = childrenOf(copy, trace).stream()
                .filter(span -> span.getName().equals("pgferry.read"))
                .sorted(Comparator.comparing(span -> span.getAttributes().get(SLICE)))
                .toList();
        assertThat(reads).extracting(span -> span.getAttributes().get(SLICE)).containsExactly(0L, 1L);
        assertThat(reads)
                .extracting(span -> span.getAttributes().get(AttributeKey.longKey("pgferry.rows")))
                .containsExactlyElementsOf(answer.getList("slices.rows", Long.class));
        for (SpanData read : reads) {
            assertThat(childrenOf(read, trace)).extracting(SpanData::getName).containsExactly("pgferry.upload");
        }
        SpanData commit = only("pgferry.commit", childrenOf(copy, trace));
        assertThat(commit.getAttributes().get(AttributeKey.longKey("pgferry.files")))
                .isEqualTo(answer.getLong("filesWritten"));
        assertThat(commit.getStartEpochNanos())
                .isGreaterThanOrEqualTo(reads.stream()
                        .mapToLong(SpanData::getEndEpochNanos)
                        .max()
                        .orElseThrow());

        Attributes succeeded = Attributes.of(
                AttributeKey.stringKey("pgferry.format"),
                "DelimitedText",
                AttributeKey.stringKey("pgferry.sink.type"),
                "AzureBlobStorage",
                OUTCOME,
                "succeeded");
        assertThat(sum("pgferry.rows", succeeded)).isEqualTo(ROWS);
        assertThat(sum("pgferry.bytes.read", succeeded)).isEqualTo(answer.getLong("dataRead"));
        assertThat(sum("pgferry.bytes.written", succeeded)).isEqualTo(answer.getLong("dataWritten"));
        assertThat(sum("pgferry.files", succeeded)).isEqualTo(answer.getLong("filesWritten"));
        assertThat(histogramCount("pgferry.copy.duration", succeeded)).isEqualTo(1);
        assertNoSecrets();
    }

    /**
     * A fanned-out copy's slices are read by whichever instances take their messages (here this one, delivered by the
     * test as the host's listener would): their spans join the planner's trace, under its {@code pgferry.copy}.
     */
    @Test
    void aFannedOutCopysSlicesJoinItsTraceFromTheInstancesThatReadThem() {
        QueueHost sliceQueue = new QueueHost(azurite, "pgferry-slices", 5, CopyTelemetryIT::invokeSlice);
        sliceQueue.queue().clearMessages();
        ObjectNode payload = payload(azurite.connectionString());
        payload.withObject("/activity/typeProperties").putObject("fanOut").put("slices", 2);
        String location = given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/runs")
                .then()
                .statusCode(202)
                .extract()
                .header("Location");

        Response done = given().get(location);
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(120).toNanos();
        while (done.statusCode() == 202 && System.nanoTime() < deadline) {
            if (sliceQueue.deliverNext() == -1) {
                Processes.sleep(50);
            }
            done = given().get(location);
        }
        assertThat(done.statusCode()).as(done.body().asString()).isEqualTo(200);
        String runId = done.jsonPath().getString("runId");
        InMemoryTelemetry.flush(openTelemetry);

        SpanData copy = copySpan(runId);
        List<SpanData> reads = spans.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("pgferry.read"))
                .filter(span -> runId.equals(span.getAttributes().get(RUN_ID)))
                .toList();
        assertThat(reads).hasSize(2).allSatisfy(read -> {
            assertThat(read.getTraceId()).isEqualTo(copy.getTraceId());
            assertThat(read.getParentSpanId()).isEqualTo(copy.getSpanId());
        });
    }

    private static int invokeSlice(ObjectNode invocation) {
        return given().contentType("application/json; charset=utf-8")
                .header("User-Agent", "Azure-Functions-Host/4.1041.200.25071")
                .body(invocation.toString())
                .post("/copySlice")
                .statusCode();
    }

    @Test
    void aFailedCopyIsAnErrorSpanWithItsCode() {
        String wrongKey = TestingAzurite.KEY.substring(0, 20) + "WRONG" + TestingAzurite.KEY.substring(25);

        JsonPath answer = Requests.postJson("/copy", payload(azurite.connectionString(wrongKey)))
                .statusCode(400)
                .body("errorCode", equalTo("SinkAuthenticationFailed"))
                .extract()
                .jsonPath();
        InMemoryTelemetry.flush(openTelemetry);

        SpanData copy = spans.getFinishedSpanItems().stream()
                .filter(span -> span.getName().equals("pgferry.copy"))
                .filter(span ->
                        "SinkAuthenticationFailed".equals(span.getAttributes().get(ERROR_CODE)))
                .reduce((first, second) -> {
                    throw new AssertionError("more than one failed copy: " + first + ", " + second);
                })
                .orElseThrow(() -> new AssertionError("no failed copy span in " + spans.getFinishedSpanItems()));
        assertThat(copy.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(copy.getStatus().getDescription()).isEqualTo("SinkAuthenticationFailed");
        assertThat(trace(copy))
                .filteredOn(span -> span != copy && span.getStatus().getStatusCode() == StatusCode.ERROR)
                .isNotEmpty()
                .allMatch(span ->
                        "SinkAuthenticationFailed".equals(span.getAttributes().get(ERROR_CODE)));
        assertThat(answer.getString("message")).isNotBlank();

        Attributes failed = Attributes.builder()
                .put("pgferry.format", "DelimitedText")
                .put("pgferry.sink.type", "AzureBlobStorage")
                .put(OUTCOME, "failed")
                .put(ERROR_CODE, "SinkAuthenticationFailed")
                .build();
        assertThat(histogramCount("pgferry.copy.duration", failed)).isEqualTo(1);
        assertNoSecrets(wrongKey, azurite.connectionString(wrongKey));
    }

    private ObjectNode payload(String blobConnectionString) {
        return Payloads.tableToCsv(table, "telemetry-" + Names.suffix(), postgres, blobConnectionString);
    }

    private SpanData copySpan(String runId) {
        return only(
                "pgferry.copy",
                spans.getFinishedSpanItems().stream()
                        .filter(span -> runId.equals(span.getAttributes().get(RUN_ID)))
                        .toList());
    }

    private List<SpanData> trace(SpanData root) {
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(root.getTraceId()))
                .toList();
    }

    private static List<SpanData> childrenOf(SpanData parent, List<SpanData> trace) {
        return trace.stream()
                .filter(span -> span.getParentSpanId().equals(parent.getSpanId()))
                .toList();
    }

    private static SpanData only(String name, List<SpanData> spans) {
        List<SpanData> named =
                spans.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(named).as("%s in %s", name, spans).hasSize(1);
        return named.get(0);
    }

    /** The metric's latest export (cumulative), its point with exactly these attributes. */
    private Optional<PointData> point(String name, Attributes attributes) {
        List<MetricData> exported = metrics.getFinishedMetricItems().stream()
                .filter(metric -> metric.getName().equals(name))
                .toList();
        assertThat(exported).as("exported %s", name).isNotEmpty();
        return exported.get(exported.size() - 1).getData().getPoints().stream()
                .map(point -> (PointData) point)
                .filter(point -> point.getAttributes().equals(attributes))
                .findFirst();
    }

    private long sum(String name, Attributes attributes) {
        return point(name, attributes)
                .map(point -> ((LongPointData) point).getValue())
                .orElseThrow(() -> new AssertionError("no " + name + " with " + attributes));
    }

    private long histogramCount(String name, Attributes attributes) {
        return point(name, attributes)
                .map(point -> ((HistogramPointData) point).getCount())
                .orElseThrow(() -> new AssertionError("no " + name + " with " + attributes));
    }

    /** No span attribute, status, event or metric attribute holds a secret the copies were given. */
    private void assertNoSecrets(String... more) {
        List<String> secrets = new ArrayList<>(List.of(
                postgres.password(), TestingAzurite.KEY, postgres.odbcConnectionString(), azurite.connectionString()));
        secrets.addAll(List.of(more));
        List<String> values = new ArrayList<>();
        for (SpanData span : spans.getFinishedSpanItems()) {
            values.add(span.getName());
            values.add(span.getStatus().getDescription());
            span.getAttributes().forEach((key, value) -> values.add(String.valueOf(value)));
            span.getEvents()
                    .forEach(event -> event.getAttributes().forEach((key, value) -> values.add(String.valueOf(value))));
        }
        for (MetricData metric : metrics.getFinishedMetricItems()) {
            metric.getData().getPoints().forEach(point -> point.getAttributes()
                    .forEach((key, value) -> values.add(String.valueOf(value))));
        }
        assertThat(values).isNotEmpty();
        for (String secret : secrets) {
            assertThat(values).as("no value holds a secret").noneMatch(value -> value.contains(secret));
        }
    }
}
