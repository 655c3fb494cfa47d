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

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.LookupJob;
import io.pgferry.contract.PipelineJob;
import io.pgferry.contract.PipelineRunOutput;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.RunStatistics;
import io.pgferry.copy.RunControl;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.payload.expression.Expressions;
import io.pgferry.source.postgres.LookupQuery;
import io.pgferry.source.postgres.PostgresErrors;
import io.pgferry.source.postgres.SharedSnapshots;
import io.pgferry.source.postgres.SourceSession;

/**
 * One pipeline run's state (the activity runs so far, the variables, the copies committed) and the running of its
 * activities. It is one class, over 350 lines, because the activity kinds recurse through it: a ForEach or an
 * IfCondition runs inner activities with the same state, the same snapshots and the same cancellation.
 */
final class PipelineRun {
    private static final Logger LOG = Logger.getLogger(PipelineRunner.class);
    /** At most this many iterations of a ForEach at once: each holds source connections from a pool of 8. */
    static final int MAX_BATCH = 4;
    /** ADF's default {@code batchCount}. */
    private static final int DEFAULT_BATCH = 20;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final PipelineRunner services;
    private final PipelineJob job;
    private final ActivityReader reader;
    private final RunControl control;
    private final SharedSnapshots snapshots;
    private final ObjectNode variables;
    final List<PipelineRunOutput.ActivityRun> runs = Collections.synchronizedList(new ArrayList<>());
    final List<PipelineManifest.Copied> copied = Collections.synchronizedList(new ArrayList<>());

    PipelineRun(
            PipelineRunner services,
            PipelineJob job,
            ActivityReader reader,
            RunControl control,
            SharedSnapshots snapshots) {
        this.services = services;
        this.job = job;
        this.reader = reader;
        this.control = control;
        this.snapshots = snapshots;
        this.variables = JSON.objectNode();
        job.variables().forEach(variables::set);
    }

    /**
     * Runs sibling activities in {@code dependsOn} order.
     *
     * @param outputs what {@code activity('X')} gives so far (from enclosing activities too); added to
     * @param path names this frame in activity run ids ({@code a2.i5.} inside iteration 5 of the third activity)
     * @return whether no failure was left unhandled
     */
    boolean activities(
            List<PipelineJob.Activity> activities, ObjectNode outputs, JsonNode item, Integer iteration, String path) {
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
                    next.name(), activity(next, id, outputs, item, iteration, path + "a" + activities.indexOf(next)));
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
        UnaryOperator<Expressions.Scope> scope = base -> base.withRun(outputs.deepCopy(), item, variables.deepCopy());
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
            RunStatistics statistics = services.copies.run(copy, control.child(), services.copies.admit(), snapshot);
            copied.add(new PipelineManifest.Copied(activity.name(), id, snapshot, statistics));
            return services.mapper.valueToTree(statistics);
        } catch (SQLException e) {
            throw PostgresErrors.translate(e, copy.source().connection()).atField(copy.pointers());
        }
    }

    private JsonNode lookup(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> scope) {
        LookupJob lookup = reader.lookup(activity, scope);
        if (lookup.watermarkKey().isPresent()) {
            ArrayNode rows = JSON.arrayNode();
            services.watermarks
                    .find(lookup.watermarkKey().get())
                    .ifPresent(found -> rows.add(services.mapper.valueToTree(found)));
            return LookupQuery.output(rows, lookup.firstRowOnly());
        }
        PostgresSource source = lookup.source().orElseThrow();
        try (SourceSession session =
                SourceSession.open(services.pools, source, false, Map.of(), snapshots.snapshotFor(source))) {
            return LookupQuery.run(session, lookup);
        } catch (SQLException e) {
            throw PostgresErrors.translate(e, source.connection());
        }
    }

    private JsonNode forEach(
            PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> scope, ObjectNode outputs, String path) {
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
                results.add(activities(activity.inner(), outputs.deepCopy(), items.get(i), i, path + ".i" + i + "."));
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
                            activity.inner(), outputs.deepCopy(), items.get(index), index, path + ".i" + index + ".")));
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
        if (!branch.isEmpty() && !activities(branch, outputs, item, iteration, path + (condition ? ".t." : ".f."))) {
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
                : UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8)).toString();
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
}
