package io.pgferry.telemetry;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * In-memory span and metric exporters, CDI beans that Quarkus' OpenTelemetry SDK exports to (its default {@code cdi}
 * exporters) whenever the SDK is on; present in every test application, they receive nothing while it is off.
 */
@ApplicationScoped
public class InMemoryTelemetry {
    @Produces
    @Singleton
    InMemorySpanExporter spans() {
        return InMemorySpanExporter.create();
    }

    @Produces
    @Singleton
    InMemoryMetricExporter metrics() {
        return InMemoryMetricExporter.create();
    }

    /** What the SDK holds is exported now: spans ended, metrics read. */
    static void flush(OpenTelemetry openTelemetry) {
        OpenTelemetrySdk sdk = (OpenTelemetrySdk) openTelemetry;
        sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS);
        sdk.getSdkMeterProvider().forceFlush().join(10, TimeUnit.SECONDS);
    }
}
