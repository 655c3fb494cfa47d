package io.pgferry.copy;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.RunStatistics;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.source.postgres.Slice;

/**
 * A copy's traces and metrics through OpenTelemetry ({@code quarkus-opentelemetry}), off unless the SDK is switched on
 * ({@code QUARKUS_OTEL_SDK_DISABLED=false}): one trace per copy, a {@code pgferry.copy} span with its stages as
 * children ({@code pgferry.plan}, a {@code pgferry.read} per slice on the slice's own thread with its last uploads in
 * {@code pgferry.upload}, and {@code pgferry.commit}), and, once the copy has ended, counters of its rows, bytes and
 * files and a histogram of its duration. Attributes say what kind of copy it was, never its SQL, a connection string,
 * a password or a key; nothing is recorded per row.
 */
@ApplicationScoped
public class CopyTelemetry {
    private static final String TRACEPARENT = "traceparent";
    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("pgferry.run_id");
    static final AttributeKey<String> ACTIVITY = AttributeKey.stringKey("pgferry.activity");
    static final AttributeKey<String> SOURCE_KIND = AttributeKey.stringKey("pgferry.source.kind");
    static final AttributeKey<String> SINK_TYPE = AttributeKey.stringKey("pgferry.sink.type");
    static final AttributeKey<String> FORMAT = AttributeKey.stringKey("pgferry.format");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("pgferry.outcome");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("pgferry.error.code");
    static final AttributeKey<Long> SLICES = AttributeKey.longKey("pgferry.slices");
    static final AttributeKey<Long> SLICE = AttributeKey.longKey("pgferry.slice");
    static final AttributeKey<Long> COLUMNS = AttributeKey.longKey("pgferry.columns");
    static final AttributeKey<Long> ROWS = AttributeKey.longKey("pgferry.rows");
    static final AttributeKey<Long> BYTES_READ = AttributeKey.longKey("pgferry.bytes.read");
    static final AttributeKey<Long> BYTES_WRITTEN = AttributeKey.longKey("pgferry.bytes.written");
    static final AttributeKey<Long> FILES = AttributeKey.longKey("pgferry.files");

    private final Tracer tracer;
    private final LongCounter rows;
    private final LongCounter bytesRead;
    private final LongCounter bytesWritten;
    private final LongCounter files;
    private final DoubleHistogram duration;

    @Inject
    CopyTelemetry(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("io.pgferry");
        Meter meter = openTelemetry.getMeter("io.pgferry");
        this.rows = meter.counterBuilder("pgferry.rows")
                .setDescription("Rows copied")
                .setUnit("{row}")
                .build();
        this.bytesRead = meter.counterBuilder("pgferry.bytes.read")
                .setDescription("Bytes read from PostgreSQL")
                .setUnit("By")
                .build();
        this.bytesWritten = meter.counterBuilder("pgferry.bytes.written")
                .setDescription("Bytes written to the sink")
                .setUnit("By")
                .build();
        this.files = meter.counterBuilder("pgferry.files")
                .setDescription("Files written to the sink")
                .setUnit("{file}")
                .build();
        this.duration = meter.histogramBuilder("pgferry.copy.duration")
                .setDescription("How long copies took")
                .setUnit("s")
                .build();
    }

    /** Starts a copy's trace; its span is current on this thread until {@link Copy#close()}. */
    Copy start(CopyJob job) {
        Span span = tracer.spanBuilder("pgferry.copy")
                .setAttribute(RUN_ID, job.runId())
                .setAttribute(ACTIVITY, job.activityName())
                .setAttribute(SOURCE_KIND, job.source().query().isPresent() ? "query" : "table")
                .setAttribute(SINK_TYPE, sinkType(job))
                .setAttribute(FORMAT, Manifest.formatType(job))
                .startSpan();
        return new Copy(job, span, System.nanoTime());
    }

    /**
     * The slices of a fanned-out copy that this instance reads for another: each slice's {@code pgferry.read} hangs
     * under the planning instance's {@code pgferry.copy}, whose trace the plan carries as a W3C {@code traceparent};
     * without one (the planner traced nothing) it starts a trace of its own.
     */
    Slices fannedOut(CopyJob job, String traceparent) {
        Context parent = traceparent == null
                ? Context.root()
                : W3CTraceContextPropagator.getInstance()
                        .extract(Context.root(), Map.of(TRACEPARENT, traceparent), MAP);
        return new Slices(job, parent);
    }

    private static String sinkType(CopyJob job) {
        return job.sink().destination().type();
    }

    /** Where a copy's {@code pgferry.read} spans hang, whichever thread reads the slice. */
    final class Slices {
        private final CopyJob job;
        private final Context parent;

        private Slices(CopyJob job, Context parent) {
            this.job = job;
            this.parent = parent;
        }

        /** Reads a slice in its {@code pgferry.read} span, current while it runs. */
        SliceResult read(Slice slice, Supplier<SliceResult> read) {
            Span span = tracer.spanBuilder("pgferry.read")
                    .setParent(parent)
                    .setAttribute(RUN_ID, job.runId())
                    .setAttribute(SLICE, (long) slice.index())
                    .startSpan();
            try (Scope ignored = span.makeCurrent()) {
                SliceResult result = read.get();
                span.setAttribute(ROWS, result.rows()).setAttribute(BYTES_READ, result.bytesRead());
                return result;
            } catch (CopyException e) {
                failed(span, e.code());
                throw e;
            } catch (RuntimeException | Error e) {
                failed(span, ErrorCode.InternalError);
                throw e;
            } finally {
                span.end();
            }
        }

        /** Finishes a slice's last file in a {@code pgferry.upload} span: the wait for its staged uploads. */
        void uploads(Runnable finish) {
            Span span = tracer.spanBuilder("pgferry.upload").startSpan();
            try {
                finish.run();
            } catch (CopyException e) {
                failed(span, e.code());
                throw e;
            } catch (RuntimeException e) {
                // Not yet translated into the copy's error: the read span around it carries the code.
                span.setStatus(StatusCode.ERROR);
                throw e;
            } finally {
                span.end();
            }
        }
    }

    /**
     * One copy's {@code pgferry.copy} span, its stages on the copy's own thread, and its metrics when it ends. Ended
     * by {@link #close()}, failed if neither {@link #succeeded} nor {@link #failed} said how it went.
     */
    final class Copy implements AutoCloseable {
        private final CopyJob job;
        private final Span span;
        private final Scope scope;
        private final long startNanos;
        private final Slices slices;
        private Span stage;
        private boolean ended;

        private Copy(CopyJob job, Span span, long startNanos) {
            this.job = job;
            this.span = span;
            this.scope = span.makeCurrent();
            this.startNanos = startNanos;
            this.slices = new Slices(job, Context.current());
        }

        Slices slices() {
            return slices;
        }

        /** This copy's span as a W3C {@code traceparent}, for the instances that read its slices; null untraced. */
        String traceparent() {
            Map<String, String> carrier = new HashMap<>();
            W3CTraceContextPropagator.getInstance().inject(slices.parent, carrier, Map::put);
            return carrier.get(TRACEPARENT);
        }

        /** Starts {@code pgferry.plan}: the source's columns and the copy's slices. */
        void planning() {
            stage = tracer.spanBuilder("pgferry.plan").startSpan();
        }

        void planned(int columns, int sliceCount) {
            stage.setAttribute(COLUMNS, (long) columns).setAttribute(SLICES, (long) sliceCount);
            endStage();
        }

        /** Starts {@code pgferry.commit}: every file committed, then the manifest. */
        void committing() {
            stage = tracer.spanBuilder("pgferry.commit").startSpan();
        }

        void committed(int fileCount, long bytes) {
            stage.setAttribute(FILES, (long) fileCount).setAttribute(BYTES_WRITTEN, bytes);
            endStage();
        }

        void succeeded(RunStatistics statistics) {
            span.setAttribute(SLICES, (long) statistics.usedParallelCopies())
                    .setAttribute(ROWS, statistics.rowsCopied())
                    .setAttribute(BYTES_READ, statistics.dataRead())
                    .setAttribute(BYTES_WRITTEN, statistics.dataWritten())
                    .setAttribute(FILES, (long) statistics.filesWritten());
            Attributes attributes = metricAttributes().put(OUTCOME, "succeeded").build();
            rows.add(statistics.rowsCopied(), attributes);
            bytesRead.add(statistics.dataRead(), attributes);
            bytesWritten.add(statistics.dataWritten(), attributes);
            files.add(statistics.filesWritten(), attributes);
            end(attributes);
        }

        void failed(CopyException failure) {
            end(failedAs(failure.code()));
        }

        @Override
        public void close() {
            if (!ended) {
                end(failedAs(ErrorCode.InternalError));
            }
            scope.close();
            span.end();
        }

        private Attributes failedAs(ErrorCode code) {
            if (stage != null) {
                CopyTelemetry.failed(stage, code);
                endStage();
            }
            CopyTelemetry.failed(span, code);
            return metricAttributes()
                    .put(OUTCOME, "failed")
                    .put(ERROR_CODE, code.name())
                    .build();
        }

        private void end(Attributes attributes) {
            ended = true;
            duration.record((System.nanoTime() - startNanos) / 1e9, attributes);
        }

        private void endStage() {
            stage.end();
            stage = null;
        }

        private AttributesBuilder metricAttributes() {
            return Attributes.builder().put(FORMAT, Manifest.formatType(job)).put(SINK_TYPE, sinkType(job));
        }
    }

    /** Marks a span failed with the copy's error code: never the message, which may name what it read. */
    private static void failed(Span span, ErrorCode code) {
        span.setStatus(StatusCode.ERROR, code.name()).setAttribute(ERROR_CODE, code.name());
    }
}
