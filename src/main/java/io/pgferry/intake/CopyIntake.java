package io.pgferry.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.config.FileServerConfig;
import io.pgferry.config.InvocationConfig;
import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.FanOutPlan;
import io.pgferry.contract.LookupJob;
import io.pgferry.contract.PipelineJob;
import io.pgferry.contract.PipelineRunOutput;
import io.pgferry.contract.RunStatistics;
import io.pgferry.copy.CopyRunner;
import io.pgferry.copy.RunControl;
import io.pgferry.copy.SliceWorker;
import io.pgferry.functionstorage.FanOutStore;
import io.pgferry.payload.PayloadReader;
import io.pgferry.payload.SinkChecks;
import io.pgferry.payload.VaultSecrets;
import io.pgferry.payload.expression.Expressions;
import io.pgferry.pipeline.ActivityReader;
import io.pgferry.pipeline.PipelineRunner;
import io.pgferry.run.RunRecord;
import io.pgferry.run.Runs;
import io.pgferry.secret.KeyVaultSecrets;
import io.pgferry.secret.SecretCache;
import io.pgferry.sink.blob.BlobContainers;
import io.pgferry.sink.file.FileServerSink;

/**
 * The one way a copy comes in, whatever brought it: each entry point takes its payload out of its envelope and hands
 * it here. The payload is read with this deployment's sink checks (a 400 listing every problem before anything
 * starts), its run id defaulted (the payload's {@code runId}, else what the trigger offers: a message or event id, so
 * a second delivery copies once), and the copy run in one of three modes: now without a record ({@code POST /copy}),
 * once per run id and waited for (queue and Event Grid triggers), or started in the background ({@code /runs},
 * {@code /events}). Errors leave as {@link io.pgferry.error.CopyException}; each entry point's error handler shapes
 * them.
 */
@ApplicationScoped
public class CopyIntake {
    private final FileServerConfig fileServer;
    private final InvocationConfig invocation;
    private final CopyRunner runner;
    private final Runs runs;
    private final KeyVaultSecrets keyVault;
    private final PipelineRunner pipelines;
    private final FanOutStore fanOuts;
    private final SliceWorker slices;
    private final ObjectMapper mapper;

    /** A payload and the run id it copies under unless it names one. */
    public record Delivery(JsonNode payload, String defaultRunId) {}

    @Inject
    CopyIntake(
            FileServerConfig fileServer,
            InvocationConfig invocation,
            CopyRunner runner,
            Runs runs,
            KeyVaultSecrets keyVault,
            PipelineRunner pipelines,
            FanOutStore fanOuts,
            SliceWorker slices,
            ObjectMapper mapper) {
        this.fileServer = fileServer;
        this.invocation = invocation;
        this.runner = runner;
        this.runs = runs;
        this.keyVault = keyVault;
        this.pipelines = pipelines;
        this.fanOuts = fanOuts;
        this.slices = slices;
        this.mapper = mapper;
    }

    /**
     * Runs the copy now, within {@code pgferry.invocation.timeout} (so the host's own timeout never has to stop it),
     * with no durable record: the caller waits for the statistics.
     */
    public RunStatistics copyNow(JsonNode payload) {
        return runner.run(read(new Delivery(payload, newRunId())), RunControl.expiringAfter(invocation.timeout()));
    }

    /** Runs the copy now unless its run id already succeeded (its record is answered) or runs elsewhere (409). */
    public RunRecord copyOnce(Delivery delivery, Trigger trigger) {
        return runs.runOnce(read(delivery), trigger.label());
    }

    /** Starts the copy in the background under a new run id and answers its record at once. */
    public RunRecord start(JsonNode payload, Trigger trigger) {
        return runs.start(read(new Delivery(payload, newRunId())), trigger.label());
    }

    /**
     * Copies one slice of a fanned-out copy, as its message asks: the plan and the request come from the function's
     * storage (the message holds neither), the request read again as when the copy was planned.
     *
     * @param delivery which delivery of the message this is
     * @throws io.pgferry.error.CopyException a failure the next delivery may not meet (the message is delivered again)
     */
    public SliceWorker.Ending copySlice(FanOutPlan.SliceMessage message, int delivery) {
        Optional<FanOutPlan> plan = fanOuts.plan(message.runId(), message.plan());
        if (plan.isEmpty()) {
            return SliceWorker.Ending.COPY_ENDED;
        }
        JsonNode payload;
        try {
            payload = mapper.readTree(plan.get().payload());
        } catch (IOException e) {
            throw new UncheckedIOException("an unreadable plan " + message.plan(), e);
        }
        return slices.copy(read(new Delivery(payload, plan.get().runId())), plan.get(), message.slice(), delivery);
    }

    /** Reads every delivery first, so one bad payload starts none of them; then starts them all. */
    public List<RunRecord> startAll(List<Delivery> deliveries, Trigger trigger) {
        List<CopyJob> jobs = deliveries.stream().map(this::read).toList();
        List<RunRecord> started = new ArrayList<>();
        for (CopyJob job : jobs) {
            started.add(runs.start(job, trigger.label()));
        }
        return started;
    }

    /**
     * Runs a pipeline of several activities now, within {@code pgferry.invocation.timeout}: its structure is checked
     * first (400 before anything runs), each activity read as it starts.
     */
    public PipelineRunOutput runPipeline(JsonNode payload) {
        SinkChecks checks = checks();
        VaultSecrets secrets = vaultSecrets();
        PipelineJob job = new PayloadReader(checks, newRunId(), secrets).readPipeline(payload);
        ActivityReader reader = new ActivityReader() {
            @Override
            public CopyJob copy(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> run, String id) {
                return new PayloadReader(checks, job.runId(), secrets)
                        .readCopy(payload, activity.json(), activity.pointer(), run, id);
            }

            @Override
            public LookupJob lookup(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> run) {
                return new PayloadReader(checks, job.runId(), secrets)
                        .readLookup(payload, activity.json(), activity.pointer(), run);
            }

            @Override
            public JsonNode value(JsonNode value, String pointer, UnaryOperator<Expressions.Scope> run) {
                return new PayloadReader(checks, job.runId(), secrets).evaluate(payload, value, pointer, run);
            }
        };
        return pipelines.run(job, reader, RunControl.expiringAfter(invocation.timeout()));
    }

    /** @throws io.pgferry.error.CopyException 400 listing every problem of the payload */
    private CopyJob read(Delivery delivery) {
        return new PayloadReader(checks(), delivery.defaultRunId(), vaultSecrets()).read(delivery.payload());
    }

    /** This deployment's checks of a sink: a blob connection string's account, a file server's allowed roots. */
    private SinkChecks checks() {
        return new SinkChecks(
                BlobContainers::connectionStringProblem,
                host -> FileServerSink.rootProblem(host, fileServer.allowedRoots()));
    }

    /** Key Vault secrets for one request: each secret read once, with the identity its vault's linked service names. */
    private VaultSecrets vaultSecrets() {
        Map<Optional<BlobAccount.UserAssigned>, SecretCache> caches = new ConcurrentHashMap<>();
        return (reference, identity) -> caches.computeIfAbsent(identity, id -> keyVault.cache(keyVault.identity(id)))
                .get(reference);
    }

    private static String newRunId() {
        return UUID.randomUUID().toString();
    }
}
