package io.pgferry.payload;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FanOut;
import io.pgferry.contract.FileSink;
import io.pgferry.contract.Incremental;
import io.pgferry.contract.LookupJob;
import io.pgferry.contract.PipelineJob;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.Projection;
import io.pgferry.error.CopyException;
import io.pgferry.error.Violation;
import io.pgferry.payload.expression.Expressions;

/**
 * Turns a copy request ({@code activity} or {@code pipeline}, {@code datasets}, {@code linkedServices}, as ADF's code
 * view shows them) into a {@link CopyJob}. It resolves references by {@code referenceName} as ADF does, evaluates the
 * expressions copy payloads use, tolerates the unknown fields ADF's open models allow, and collects <em>every</em>
 * problem before answering, so the caller gets one 400 listing them all and nothing is read or written.
 *
 * <p>
 * An instance reads one request; it is not thread-safe. It is the one door to the payload for every activity kind
 * (copy, lookup, pipeline), hence a little over 350 lines; each part of a request has its own reader.
 */
public final class PayloadReader {
    /** Each slice holds a source connection; the pool per linked service allows this many. */
    static final int MAX_PARALLEL_COPIES = 8;

    /** A run id names the run's record blob and goes into file metadata: a conservative alphabet. */
    /** A Lookup source of pgferry's: the watermark an incremental copy keeps under a state key. */
    private static final String WATERMARK_SOURCE = "PgferryWatermarkSource";

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final SinkChecks checks;
    private final VaultSecrets secrets;
    private final String defaultRunId;
    private String runId;

    /** A reader whose copies get a random run id unless the request names one ({@code runId}). */
    public PayloadReader(SinkChecks checks) {
        this(checks, UUID.randomUUID().toString(), VaultSecrets.NONE);
    }

    /**
     * @param defaultRunId the run id unless the request names one (a queue message's id, an event's id)
     * @param secrets where the request's Key Vault references are read
     */
    public PayloadReader(SinkChecks checks, String defaultRunId, VaultSecrets secrets) {
        this.checks = requireNonNull(checks, "checks is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        requireNonNull(defaultRunId, "defaultRunId is null");
        // An id from outside (a CloudEvents id may be any string) that is no run id stands for the same run anyway.
        this.defaultRunId = RUN_ID.matcher(defaultRunId).matches()
                ? defaultRunId
                : UUID.nameUUIDFromBytes(defaultRunId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString();
    }

    /**
     * @throws CopyException (400, {@code InvalidPayload}) listing every violation found
     */
    public CopyJob read(JsonNode body) {
        Request request = open(body, UnaryOperator.identity());
        Field root = request.root();
        Field activity = root.get("pipeline").present()
                ? copyActivity(request.reading(), root.get("pipeline"))
                : request.reading().object(root.get("activity"));
        return copy(request, activity, Optional.of(body));
    }

    /**
     * A Copy activity of a pipeline run, read as it starts, so its expressions see the run so far.
     *
     * @param activity the activity's JSON, found in {@code body} at {@code pointer}
     * @param run the pipeline run's part of the scope: activity outputs, the ForEach item, variables
     * @param activityRunId the copy's run id: its files' metadata and manifest carry it
     */
    public CopyJob readCopy(
            JsonNode body,
            JsonNode activity,
            String pointer,
            UnaryOperator<Expressions.Scope> run,
            String activityRunId) {
        Request request = open(body, run);
        runId = activityRunId;
        return copy(request, request.at(activity, pointer), Optional.empty());
    }

    /** A Lookup activity of a pipeline run, read as it starts (see {@link #readCopy}). */
    public LookupJob readLookup(
            JsonNode body, JsonNode activity, String pointer, UnaryOperator<Expressions.Scope> run) {
        Request request = open(body, run);
        Reading reading = request.reading();
        Field at = request.at(activity, pointer);
        String name = reading.string(at.get("name"), true);
        Field typeProperties = reading.object(at.get("typeProperties"));
        PostgresSource source = null;
        String watermarkKey = null;
        boolean firstRowOnly = true;
        if (typeProperties != null) {
            reading.strict(typeProperties);
            firstRowOnly = reading.bool(typeProperties.get("firstRowOnly"), true);
            Field settings = reading.object(reading.strict(typeProperties.get("source")));
            if (settings != null
                    && WATERMARK_SOURCE.equals(settings.get("type").node().asText())) {
                reading.string(settings.get("type"), true);
                watermarkKey = reading.string(settings.get("stateKey"), true);
            } else {
                Field dataset = reading.datasetReference(typeProperties.get("dataset"), request.datasets());
                if (settings != null) {
                    source = new SourceReader(reading).source(dataset, settings, request.linkedServices());
                }
            }
        }
        reading.refuseUnread();
        if (!reading.violations().isEmpty()) {
            throw CopyException.invalidPayload(reading.violations());
        }
        return new LookupJob(name, Optional.ofNullable(source), Optional.ofNullable(watermarkKey), firstRowOnly);
    }

    /**
     * A pipeline run request ({@code pipeline} with several activities): its structure checked before anything
     * runs, its activities read one by one as they start.
     *
     * @throws CopyException (400, {@code InvalidPayload}) naming every activity pgferry cannot run, and every other
     *     problem of the structure
     */
    public PipelineJob readPipeline(JsonNode body) {
        Request request = open(body, UnaryOperator.identity());
        Reading reading = request.reading();
        Field pipeline = reading.object(request.root().get("pipeline"));
        if (pipeline == null) {
            throw CopyException.invalidPayload(reading.violations());
        }
        String name =
                Optional.ofNullable(reading.string(pipeline.get("name"), false)).orElse("pipeline");
        Field properties = pipeline.get("properties");
        Map<String, JsonNode> variables = new LinkedHashMap<>();
        Field declared = properties.get("variables");
        if (declared.present() && reading.object(declared) != null) {
            declared.node().fieldNames().forEachRemaining(variable -> {
                JsonNode defaultValue = declared.get(variable).node().path("defaultValue");
                variables.put(variable, defaultValue.isMissingNode() ? NullNode.getInstance() : defaultValue);
            });
        }
        List<PipelineJob.Activity> activities =
                new PipelineStructure(reading).activities(properties.get("activities"), new HashSet<>());
        if (!reading.violations().isEmpty()) {
            throw CopyException.invalidPayload(reading.violations());
        }
        return new PipelineJob(runId, name, body, activities, variables);
    }

    /**
     * A value of a pipeline run's activity with its expressions evaluated in the run's scope: a string or an
     * {@code Expression} object is evaluated, any other JSON is taken as it is.
     */
    public JsonNode evaluate(JsonNode body, JsonNode value, String pointer, UnaryOperator<Expressions.Scope> run) {
        boolean expression = value.isTextual()
                || (value.isObject() && "Expression".equals(value.path("type").asText()));
        if (!expression) {
            return value;
        }
        Request request = open(body, run);
        JsonNode result = request.reading().value(request.at(value, pointer));
        if (result == null) {
            throw CopyException.invalidPayload(request.reading().violations());
        }
        return result;
    }

    /** The parts of a request every activity reads. */
    private record Request(
            Field root,
            Reading reading,
            Map<String, Field> datasets,
            Map<String, Field> linkedServices,
            Map<String, Field> credentials) {
        /** A node of the request, named by its pointer. */
        Field at(JsonNode node, String pointer) {
            return new Field(node, pointer, root.consulted());
        }
    }

    private Request open(JsonNode body, UnaryOperator<Expressions.Scope> run) {
        Field root = Field.root(body);
        if (!root.node().isObject()) {
            throw CopyException.invalidPayload(List.of(new Violation(
                    "", "the request body must be a JSON object with activity, datasets and linkedServices")));
        }
        List<Violation> oversized = new ArrayList<>();
        findOversizedStrings(body, "", oversized);
        if (!oversized.isEmpty()) {
            throw CopyException.invalidPayload(oversized);
        }
        runId = defaultRunId;
        Field runIdField = root.get("runId");
        if (runIdField.present()) {
            if (!runIdField.node().isTextual()
                    || !RUN_ID.matcher(runIdField.node().asText()).matches()) {
                throw CopyException.invalidPayload(List.of(new Violation(
                        runIdField.pointer(),
                        "must be 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit")));
            }
            runId = runIdField.node().asText();
        }
        Reading reading = new Reading(run.apply(scope(root)));
        Map<String, Field> datasets = reading.index(root.get("datasets"));
        Map<String, Field> linkedServices = reading.index(root.get("linkedServices"));
        // The factory's credentials (user-assigned managed identities), which only some linked services name.
        Map<String, Field> credentials =
                root.get("credentials").present() ? reading.index(root.get("credentials")) : Map.of();
        reading.keyVault(new KeyVaultReader(
                reading, linkedServices, new BlobAccountReader(reading, checks, credentials), secrets));
        return new Request(root, reading, datasets, linkedServices, credentials);
    }

    /** @param alone the whole request when the copy runs on its own (not as a pipeline's activity): it may fan out */
    private CopyJob copy(Request request, Field activity, Optional<JsonNode> alone) {
        Reading reading = request.reading();
        Map<String, Field> datasets = request.datasets();
        Map<String, Field> linkedServices = request.linkedServices();
        Map<String, Field> credentials = request.credentials();
        if (activity == null) {
            throw CopyException.invalidPayload(reading.violations());
        }
        String activityName = reading.string(activity.get("name"), true);
        reading.oneOf(activity.get("type"), Set.of("Copy"));
        Field typeProperties = reading.object(activity.get("typeProperties"));
        if (typeProperties != null) {
            reading.strict(typeProperties);
        }
        Field inputDataset = reading.dataset(activity.get("inputs"), datasets);
        Field outputDataset = reading.dataset(activity.get("outputs"), datasets);
        PostgresSource source = null;
        FileSink sink = null;
        Projection projection = null;
        Optional<Incremental> incremental = Optional.empty();
        Optional<FanOut> fanOut = Optional.empty();
        long parallelCopies = 1;
        boolean validate = false;
        if (typeProperties != null) {
            validate = reading.bool(typeProperties.get("validateDataConsistency"), false);
            // As in ADF, a ceiling: pgferry reads with at most as many slices as it can run at once.
            parallelCopies = Math.min(
                    reading.integer(typeProperties.get("parallelCopies"), 1, Integer.MAX_VALUE)
                            .orElse(1),
                    MAX_PARALLEL_COPIES);
            UnactedSettings.activity(reading, typeProperties);
            Field sourceSettings = reading.object(reading.strict(typeProperties.get("source")));
            Field sinkSettings = reading.object(reading.strict(typeProperties.get("sink")));
            if (sourceSettings != null) {
                source = new SourceReader(reading).source(inputDataset, sourceSettings, linkedServices);
                // ADF's ceiling on the source's connections: each slice holds one.
                parallelCopies = Math.min(
                        parallelCopies,
                        reading.integer(sourceSettings.get("maxConcurrentConnections"), 1, Integer.MAX_VALUE)
                                .orElse(Long.MAX_VALUE));
            }
            for (Field settings : new Field[] {sourceSettings, sinkSettings}) {
                if (settings != null) {
                    UnactedSettings.retries(reading, settings);
                }
            }
            if (sinkSettings != null) {
                sink = new SinkReader(reading, checks, credentials).sink(outputDataset, sinkSettings, linkedServices);
            }
            projection = new ProjectionReader(reading).read(typeProperties);
            if (sourceSettings != null && sourceSettings.get("incremental").present()) {
                incremental =
                        new SourceReader(reading).incremental(sourceSettings.get("incremental"), source, activityName);
            }
            fanOut = FanOutReader.read(reading, typeProperties, alone, incremental.isPresent(), sink);
        }
        reading.refuseUnread();
        if (!reading.violations().isEmpty()) {
            throw CopyException.invalidPayload(reading.violations());
        }
        return new CopyJob(
                runId,
                activityName,
                source,
                sink,
                projection,
                incremental,
                fanOut,
                // An incremental copy reads in one slice: its filter is the table's, not a slice's.
                incremental.isPresent() ? 1 : (int) parallelCopies,
                validate,
                reading.pointers());
    }

    /**
     * Strings longer than {@link Reading#MAX_STRING} anywhere in the request, read or not (the parser bounds the
     * nesting, so the walk is shallow).
     */
    private static void findOversizedStrings(JsonNode node, String pointer, List<Violation> into) {
        if (node.isTextual() && node.textValue().length() > Reading.MAX_STRING) {
            into.add(new Violation(pointer, "is longer than " + Reading.MAX_STRING + " characters"));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                findOversizedStrings(node.get(i), pointer + "/" + i, into);
            }
        } else if (node.isObject()) {
            node.fields()
                    .forEachRemaining(entry -> findOversizedStrings(
                            entry.getValue(),
                            pointer + "/" + entry.getKey().replace("~", "~0").replace("/", "~1"),
                            into));
        }
    }

    /** A pipeline resource's one Copy activity. */
    private static Field copyActivity(Reading reading, Field pipeline) {
        Field activities = pipeline.get("properties").get("activities");
        List<Field> copies = new ArrayList<>();
        for (int i = 0; i < activities.node().size(); i++) {
            if ("Copy".equals(activities.get(i).node().path("type").asText())) {
                copies.add(activities.get(i));
            }
        }
        if (copies.size() != 1) {
            reading.violation(activities, "must hold exactly one Copy activity, not " + copies.size());
            return null;
        }
        return copies.get(0);
    }

    /**
     * What expressions see: the pipeline's declared parameters overridden by the request's {@code parameters}, this
     * copy's run id, and a manual trigger at the time of the request.
     */
    private Expressions.Scope scope(Field root) {
        Instant now = Instant.now();
        Map<String, JsonNode> given = new HashMap<>();
        root.get("parameters").node().fields().forEachRemaining(entry -> given.put(entry.getKey(), entry.getValue()));
        ObjectNode pipeline = JsonNodeFactory.instance.objectNode();
        pipeline.set(
                "parameters",
                Expressions.parameters(
                        root.get("pipeline").get("properties").get("parameters").node(), given));
        pipeline.put("RunId", runId)
                .put("DataFactory", "pgferry")
                .put("TriggerType", "Manual")
                .put("Pipeline", root.get("pipeline").get("name").node().asText(""))
                .put("TriggerTime", now.toString());
        ObjectNode trigger = JsonNodeFactory.instance
                .objectNode()
                .put("startTime", now.toString())
                .put("scheduledTime", now.toString());
        return new Expressions.Scope(
                pipeline, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), trigger, now);
    }
}
