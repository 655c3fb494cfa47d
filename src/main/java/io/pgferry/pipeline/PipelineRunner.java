package io.pgferry.pipeline;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.LookupJob;
import io.pgferry.contract.PipelineJob;
import io.pgferry.contract.PipelineRunOutput;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.RunStatistics;
import io.pgferry.copy.CopyRunner;
import io.pgferry.copy.RunControl;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.functionstorage.PipelineManifests;
import io.pgferry.functionstorage.Watermarks;
import io.pgferry.payload.expression.Expressions;
import io.pgferry.source.postgres.LookupQuery;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.PostgresPools;
import io.pgferry.source.postgres.SharedSnapshots;
import io.pgferry.source.postgres.SourceSession;

/**
 * Runs a pipeline: its activities in {@code dependsOn} order (one after another; an activity whose conditions are
 * not met is {@code Skipped}), a ForEach's iterations one by one or {@code batchCount} at a time, every read of a
 * database in the run's one snapshot ({@link SharedSnapshots}). The run fails when an activity fails and no activity
 * beside it handles that ({@code Failed} or {@code Completed} condition).
 */
@ApplicationScoped
public class PipelineRunner {
    private static final Logger LOG = Logger.getLogger(PipelineRunner.class);
    /** At most this many iterations of a ForEach at once: each holds source connections from a pool of 8. */
    static final int MAX_BATCH = 4;
    /** ADF's default {@code batchCount}. */
    private static final int DEFAULT_BATCH = 20;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final CopyRunner copies;
    private final PostgresPools pools;
    private final ObjectMapper mapper;
    private final Watermarks watermarks;
    private final PipelineManifests manifests;

    @Inject
    PipelineRunner(
            CopyRunner copies,
            PostgresPools pools,
            ObjectMapper mapper,
            Watermarks watermarks,
            PipelineManifests manifests) {
        this.copies = copies;
        this.pools = pools;
        this.mapper = mapper;
        this.watermarks = watermarks;
        this.manifests = manifests;
    }

    /** @param control cancels the run (and the copy in flight) when its deadline passes or it is cancelled */
    public PipelineRunOutput run(PipelineJob job, ActivityReader reader, RunControl control) {
        Instant start = Instant.now();
        ObjectNode variables = JSON.objectNode();
        job.variables().forEach(variables::set);
        try (SharedSnapshots snapshots = new SharedSnapshots(pools)) {
            Run run = new Run(job, reader, control, snapshots, variables);
            boolean succeeded = run.activities(job.activities(), JSON.objectNode(), null, null, "");
            Instant end = Instant.now();
            String manifest = succeeded && !run.copied.isEmpty() ? commitManifest(job, start, end, run.copied) : null;
            LOG.infof(
                    "pipeline %s (%s): %s, %d activity runs, snapshot held %d ms",
                    job.runId(),
                    job.name(),
                    succeeded ? "Succeeded" : "Failed",
                    run.runs.size(),
                    snapshots.ageMillis());
            return new PipelineRunOutput(
                    job.runId(),
                    job.name(),
                    succeeded ? "Succeeded" : "Failed",
                    start.toString(),
                    end.toString(),
                    end.toEpochMilli() - start.toEpochMilli(),
                    snapshots.first().orElse(null),
                    snapshots.first().isPresent() ? snapshots.ageMillis() : null,
                    manifest,
                    run.runs);
        }
    }

    /**
     * Writes the run's manifest in the function's storage, last; without one configured (a local run), the run has
     * none, and says so in the log.
     */
    private String commitManifest(PipelineJob job, Instant start, Instant end, List<PipelineManifest.Copied> copied) {
        try {
            return manifests.commit(job.runId(), PipelineManifest.write(job, start, end, copied));
        } catch (CopyException e) {
            if (e.code() != ErrorCode.RunStoreNotConfigured) {
                throw e;
            }
            LOG.infof("pipeline %s: no manifest, as the function has no storage account configured", job.runId());
            return null;
        }
    }

    /** One pipeline run's state: the activity runs so far and the variables. */
    private final class Run {
        private final PipelineJob job;
        private final ActivityReader reader;
        private final RunControl control;
        private final SharedSnapshots snapshots;
        private final ObjectNode variables;
        private final List<PipelineRunOutput.ActivityRun> runs = Collections.synchronizedList(new ArrayList<>());
        private final List<PipelineManifest.Copied> copied = Collections.synchronizedList(new ArrayList<>());

        Run(
                PipelineJob job,
                ActivityReader reader,
                RunControl control,
                SharedSnapshots snapshots,
                ObjectNode variables) {
            this.job = job;
            this.reader = reader;
            this.control = control;
            this.snapshots = snapshots;
            this.variables = variables;
        }

        /**
         * Runs sibling activities in {@code dependsOn} order.
         *
         * @param outputs what {@code activity('X')} gives so far (from enclosing activities too); added to
         * @param path names this frame in activity run ids ({@code a2.i5.} inside iteration 5 of the third activity)
         * @return whether no failure was left unhandled
         */
        boolean activities(
                List<PipelineJob.Activity> activities,
                ObjectNode outputs,
                JsonNode item,
                Integer iteration,
                String path) {
            Map<String, String> statuses = new HashMap<>();
            List<PipelineJob.Activity> pending = new ArrayList<>(activities);
            while (!pending.isEmpty()) {
                PipelineJob.Activity next = pending.stream()
                        .filter(activity -> activity.dependsOn().stream()
                                .allMatch(dependency -> statuses.containsKey(dependency.activity())))
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException("dependsOn circle passed the reader"));
                pending.remove(next);
                String id = activityRunId(path + "a" + activities.indexOf(next));
                if (!conditionsMet(next, statuses) || control.cancelled()) {
                    statuses.put(next.name(), "Skipped");
                    record(next, id, "Skipped", Instant.now(), iteration, null, null);
                    continue;
                }
                statuses.put(
                        next.name(),
                        activity(next, id, outputs, item, iteration, path + "a" + activities.indexOf(next)));
            }
            for (PipelineJob.Activity activity : activities) {
                if ("Failed".equals(statuses.get(activity.name())) && !handled(activity, activities)) {
                    return false;
                }
            }
            return true;
        }

        /** Runs one activity and records it; its output joins {@code outputs}. */
        private String activity(
                PipelineJob.Activity activity,
                String id,
                ObjectNode outputs,
                JsonNode item,
                Integer iteration,
                String path) {
            Instant start = Instant.now();
            UnaryOperator<Expressions.Scope> scope =
                    base -> base.withRun(outputs.deepCopy(), item, variables.deepCopy());
            try {
                JsonNode output =
                        switch (activity.type()) {
                            case Copy -> copy(activity, scope, id);
                            case Lookup -> lookup(activity, scope);
                            case ForEach -> forEach(activity, scope, outputs, path);
                            case IfCondition -> ifCondition(activity, scope, outputs, item, iteration, path);
                            case SetVariable -> setVariable(activity, scope);
                            case Wait -> waitFor(activity, scope);
                        };
                synchronized (outputs) {
                    outputs.set(activity.name(), JSON.objectNode().set("output", output));
                }
                record(activity, id, "Succeeded", start, iteration, output, null);
                return "Succeeded";
            } catch (CopyException e) {
                record(activity, id, "Failed", start, iteration, null, e);
                return "Failed";
            } catch (ActivityFailed e) {
                record(activity, id, "Failed", start, iteration, null, e.failure);
                return "Failed";
            } catch (RuntimeException e) {
                LOG.errorf(e, "pipeline %s: activity %s failed unexpectedly", job.runId(), activity.name());
                record(activity, id, "Failed", start, iteration, null, CopyException.internalError(e));
                return "Failed";
            }
        }

        private JsonNode copy(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> scope, String id) {
            CopyJob copy = reader.copy(activity, scope, id);
            try {
                Optional<String> snapshot = snapshots.snapshotFor(copy.source());
                RunStatistics statistics = copies.run(copy, control.child(), copies.admit(), snapshot);
                copied.add(new PipelineManifest.Copied(activity.name(), id, snapshot, statistics));
                return mapper.valueToTree(statistics);
            } catch (SQLException e) {
                throw PostgresErrors.translate(e, copy.source().connection()).atField(copy.pointers());
            }
        }

        private JsonNode lookup(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> scope) {
            LookupJob lookup = reader.lookup(activity, scope);
            if (lookup.watermarkKey().isPresent()) {
                ArrayNode rows = JSON.arrayNode();
                watermarks.find(lookup.watermarkKey().get()).ifPresent(found -> rows.add(mapper.valueToTree(found)));
                return LookupQuery.output(rows, lookup.firstRowOnly());
            }
            PostgresSource source = lookup.source().orElseThrow();
            try (SourceSession session =
                    SourceSession.open(pools, source, false, Map.of(), snapshots.snapshotFor(source))) {
                return LookupQuery.run(session, lookup);
            } catch (SQLException e) {
                throw PostgresErrors.translate(e, source.connection());
            }
        }

        private JsonNode forEach(
                PipelineJob.Activity activity,
                UnaryOperator<Expressions.Scope> scope,
                ObjectNode outputs,
                String path) {
            JsonNode settings = activity.json().path("typeProperties");
            JsonNode items = reader.value(settings.path("items"), activity.pointer() + "/typeProperties/items", scope);
            if (!items.isArray()) {
                throw CopyException.invalidPayload(List.of(new io.pgferry.error.Violation(
                        activity.pointer() + "/typeProperties/items", "must give an array")));
            }
            boolean sequential = settings.path("isSequential").asBoolean(false);
            int batch = sequential
                    ? 1
                    : Math.max(1, Math.min(settings.path("batchCount").asInt(DEFAULT_BATCH), MAX_BATCH));
            List<Boolean> results = new ArrayList<>();
            if (batch == 1) {
                for (int i = 0; i < items.size(); i++) {
                    results.add(
                            activities(activity.inner(), outputs.deepCopy(), items.get(i), i, path + ".i" + i + "."));
                }
            } else {
                ExecutorService pool = Executors.newFixedThreadPool(batch, task -> {
                    Thread thread = new Thread(task, "pgferry-foreach");
                    thread.setDaemon(true);
                    return thread;
                });
                try {
                    List<Future<Boolean>> futures = new ArrayList<>();
                    for (int i = 0; i < items.size(); i++) {
                        int index = i;
                        futures.add(pool.submit(() -> activities(
                                activity.inner(),
                                outputs.deepCopy(),
                                items.get(index),
                                index,
                                path + ".i" + index + ".")));
                    }
                    for (Future<Boolean> future : futures) {
                        results.add(future.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw CopyException.of(ErrorCode.Interrupted, "the pipeline run was interrupted", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                } finally {
                    pool.shutdownNow();
                    awaitQuietly(pool);
                }
            }
            long failed = results.stream().filter(ok -> !ok).count();
            if (failed > 0) {
                throw new ActivityFailed(CopyException.of(
                        ErrorCode.ActivityFailed,
                        failed + " of " + items.size() + " iterations of ForEach '" + activity.name() + "' failed",
                        null));
            }
            return JSON.objectNode().put("count", items.size());
        }

        private JsonNode ifCondition(
                PipelineJob.Activity activity,
                UnaryOperator<Expressions.Scope> scope,
                ObjectNode outputs,
                JsonNode item,
                Integer iteration,
                String path) {
            String pointer = activity.pointer() + "/typeProperties/expression";
            JsonNode value = reader.value(activity.json().path("typeProperties").path("expression"), pointer, scope);
            boolean condition = value.isBoolean() ? value.booleanValue() : Boolean.parseBoolean(value.asText());
            List<PipelineJob.Activity> branch = condition ? activity.inner() : activity.otherwise();
            if (!branch.isEmpty()
                    && !activities(branch, outputs, item, iteration, path + (condition ? ".t." : ".f."))) {
                throw new ActivityFailed(CopyException.of(
                        ErrorCode.ActivityFailed, "an activity of IfCondition '" + activity.name() + "' failed", null));
            }
            return JSON.objectNode().put("expression", condition);
        }

        private JsonNode setVariable(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> scope) {
            JsonNode settings = activity.json().path("typeProperties");
            String name = settings.path("variableName").asText("");
            if (!job.variables().containsKey(name)) {
                throw CopyException.invalidPayload(List.of(new io.pgferry.error.Violation(
                        activity.pointer() + "/typeProperties/variableName",
                        "names '" + name + "', which the pipeline's variables do not declare")));
            }
            JsonNode value = reader.value(settings.path("value"), activity.pointer() + "/typeProperties/value", scope);
            synchronized (variables) {
                variables.set(name, value);
            }
            return JSON.objectNode().set("value", value);
        }

        private JsonNode waitFor(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> scope) {
            String pointer = activity.pointer() + "/typeProperties/waitTimeInSeconds";
            JsonNode seconds =
                    reader.value(activity.json().path("typeProperties").path("waitTimeInSeconds"), pointer, scope);
            long wait = seconds.asLong(-1);
            if (wait < 0) {
                throw CopyException.invalidPayload(
                        List.of(new io.pgferry.error.Violation(pointer, "must be a number of seconds")));
            }
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
                while (System.nanoTime() < deadline && !control.cancelled()) {
                    Thread.sleep(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CopyException.of(ErrorCode.Interrupted, "the pipeline run was interrupted", e);
            }
            if (control.cancelled()) {
                throw control.cancellation();
            }
            return JSON.objectNode();
        }

        private void record(
                PipelineJob.Activity activity,
                String id,
                String status,
                Instant start,
                Integer iteration,
                JsonNode output,
                CopyException failure) {
            Instant end = Instant.now();
            runs.add(new PipelineRunOutput.ActivityRun(
                    activity.name(),
                    activity.type().name(),
                    id,
                    status,
                    start.toString(),
                    end.toString(),
                    end.toEpochMilli() - start.toEpochMilli(),
                    iteration,
                    output,
                    failure == null ? null : failure.withTarget(activity.name()).error()));
        }

        /** A run id for an activity: the pipeline's and the activity's place in it, so a rerun names it alike. */
        private String activityRunId(String path) {
            String id = job.runId() + "." + path;
            return id.length() <= 128
                    ? id
                    : UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8))
                            .toString();
        }
    }

    /** An activity's conditions: every dependency ended in one of its conditions ({@code Completed}: either end). */
    private static boolean conditionsMet(PipelineJob.Activity activity, Map<String, String> statuses) {
        for (PipelineJob.Dependency dependency : activity.dependsOn()) {
            String status = statuses.get(dependency.activity());
            Set<String> conditions = dependency.conditions();
            boolean met = conditions.contains(status)
                    || (conditions.contains("Completed") && (status.equals("Succeeded") || status.equals("Failed")));
            if (!met) {
                return false;
            }
        }
        return true;
    }

    /** A failure is handled when an activity beside it runs on its failure (or its completion). */
    private static boolean handled(PipelineJob.Activity failed, List<PipelineJob.Activity> siblings) {
        return siblings.stream()
                .flatMap(activity -> activity.dependsOn().stream())
                .anyMatch(dependency -> dependency.activity().equals(failed.name())
                        && (dependency.conditions().contains("Failed")
                                || dependency.conditions().contains("Completed")));
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A container activity whose inner activities failed (their own errors are in their activity runs). */
    private static final class ActivityFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient CopyException failure;

        ActivityFailed(CopyException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    /** The status a waiting caller gets: 200 when the run succeeded, else its first activity failure's. */
    public static int httpStatus(PipelineRunOutput output) {
        if (output.status().equals("Succeeded")) {
            return 200;
        }
        return output.activityRuns().stream()
                .filter(run -> run.error() != null && !run.error().errorCode().equals(ErrorCode.ActivityFailed.name()))
                .findFirst()
                .map(run -> ErrorCode.valueOf(run.error().errorCode()).httpStatus())
                .orElse(502);
    }
}
