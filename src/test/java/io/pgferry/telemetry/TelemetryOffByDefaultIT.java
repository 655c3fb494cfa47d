package io.pgferry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.pgferry.testing.Names;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Requests;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Without configuration the OpenTelemetry SDK is off: a copy runs, and the exporters that Quarkus would export to
 * (the in-memory ones of {@link InMemoryTelemetry}, here as the OTLP one would be) receive nothing.
 */
@QuarkusTest
class TelemetryOffByDefaultIT {
    @Inject
    OpenTelemetry openTelemetry;

    @Inject
    InMemorySpanExporter spans;

    @Inject
    InMemoryMetricExporter metrics;

    @Test
    void aCopyLeavesNoSpanAndNoMetric() {
        TestingPostgres postgres = TestingServers.postgres();
        String table = "telemetry_off_" + Names.suffix();
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id FROM generate_series(1, 10) i");

        Requests.postJson(
                        "/copy",
                        Payloads.tableToCsv(
                                table,
                                "telemetry-off-" + Names.suffix(),
                                postgres,
                                TestingServers.azurite().connectionString()))
                .statusCode(200)
                .body("rowsCopied", equalTo(10));
        InMemoryTelemetry.flush(openTelemetry);

        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(metrics.getFinishedMetricItems()).isEmpty();
    }
}
