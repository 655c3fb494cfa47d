package io.pgferry.functionstorage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.queue.models.PeekedMessageItem;
import com.azure.storage.queue.models.QueueStorageException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.config.FanOutConfig;
import io.pgferry.contract.FanOutPlan;
import io.pgferry.contract.FanOutPlan.SliceMessage;
import io.pgferry.contract.SliceOutcome;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * Fanned-out copies' shared state in the function's own account: each plan and its slices' reports as blobs
 * ({@code pgferry-fanout/<runId>/<plan>/plan.json}, {@code .../slice-00003.json}), and one message per slice on the
 * {@code pgferry-slices} queue. A plan exists while its copy runs: the instance that planned it removes it when the
 * copy ends, which tells the slices still running to stop.
 */
@ApplicationScoped
public class FanOutStore {
    private static final Logger LOG = Logger.getLogger(FanOutStore.class);
    private static final String PURPOSE = "fan-out plans";
    private static final String PLAN = "plan.json";
    /** Messages Queue Storage shows of a queue at once. */
    private static final int PEEK_LIMIT = 32;

    private final FunctionStorage storage;
    private final ObjectMapper mapper;
    private final FanOutConfig config;

    @Inject
    FanOutStore(FunctionStorage storage, ObjectMapper mapper, FanOutConfig config) {
        this.storage = storage;
        this.mapper = mapper;
        this.config = config;
    }

    /** Stores the plan, then asks for each slice with a message. */
    public void publish(FanOutPlan plan) {
        write(blob(plan.runId(), plan.plan(), PLAN), plan, false);
        for (FanOutPlan.PlannedSlice slice : plan.slices()) {
            String message = json(new SliceMessage(plan.runId(), plan.plan(), slice.index()));
            try {
                storage.queue(config.queue(), PURPOSE).sendMessage(message);
            } catch (QueueStorageException e) {
                throw CopyException.of(
                        ErrorCode.RunStoreUnavailable,
                        "the slice queue (the function's own account) answered " + e.getStatusCode(),
                        e);
            }
        }
    }

    /** The plan of a running copy; empty once the copy has ended (or its plan never existed). */
    public Optional<FanOutPlan> plan(String runId, String plan) {
        return read(blob(runId, plan, PLAN), FanOutPlan.class);
    }

    /** Whether the copy is still running: its plan is there. */
    public boolean running(String runId, String plan) {
        try {
            return blob(runId, plan, PLAN).exists();
        } catch (BlobStorageException e) {
            throw FunctionStorage.unavailable(PURPOSE, e);
        }
    }

    /**
     * Reports a slice, unless it has been reported already (another delivery of its message got there first).
     *
     * @return whether this report is the slice's
     */
    public boolean report(String runId, String plan, SliceOutcome outcome) {
        return write(blob(runId, plan, sliceName(outcome.slice())), outcome, true);
    }

    /** The slices reported so far, but those in {@code known}. */
    public Map<Integer, SliceOutcome> reports(String runId, String plan, Set<Integer> known) {
        Map<Integer, SliceOutcome> found = new HashMap<>();
        String prefix = runId + "/" + plan + "/slice-";
        try {
            for (BlobItem item : container().listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
                int slice = Integer.parseInt(
                        item.getName().substring(prefix.length(), item.getName().length() - ".json".length()));
                if (!known.contains(slice)) {
                    read(container().getBlobClient(item.getName()), SliceOutcome.class)
                            .ifPresent(outcome -> found.put(slice, outcome));
                }
            }
        } catch (BlobStorageException e) {
            throw FunctionStorage.unavailable(PURPOSE, e);
        }
        return found;
    }

    /**
     * A slice of the plan whose message the host moved to the poison queue (its deliveries all failed, the last one
     * too abruptly to report), if any.
     */
    public Optional<Integer> poisoned(String runId, String plan) {
        try {
            for (PeekedMessageItem message :
                    storage.queue(config.queue() + "-poison", PURPOSE).peekMessages(PEEK_LIMIT, null, null)) {
                SliceMessage slice = mapper.readValue(message.getBody().toString(), SliceMessage.class);
                if (runId.equals(slice.runId()) && plan.equals(slice.plan())) {
                    return Optional.of(slice.slice());
                }
            }
            return Optional.empty();
        } catch (QueueStorageException e) {
            throw CopyException.of(
                    ErrorCode.RunStoreUnavailable,
                    "the slice poison queue (the function's own account) answered " + e.getStatusCode(),
                    e);
        } catch (IOException e) {
            // Someone else's message: not ours to judge.
            return Optional.empty();
        }
    }

    /** Ends a plan: the plan first (running slices stop), then its reports. Failures are logged, not thrown. */
    public void remove(String runId, String plan) {
        removeUnder(runId + "/" + plan + "/");
    }

    /** Removes what earlier plans of the run left (their instance died): a retried run plans afresh. */
    public void removeEarlierPlans(String runId, String plan) {
        try {
            for (BlobItem item : container().listBlobs(new ListBlobsOptions().setPrefix(runId + "/"), null)) {
                if (!item.getName().startsWith(runId + "/" + plan + "/")) {
                    container().getBlobClient(item.getName()).deleteIfExists();
                }
            }
        } catch (BlobStorageException e) {
            LOG.warnf("run %s: earlier plans not removed: %s", runId, e.getStatusCode());
        }
    }

    private void removeUnder(String prefix) {
        try {
            container().getBlobClient(prefix + PLAN).deleteIfExists();
            List<BlobItem> rest = container().listBlobs(new ListBlobsOptions().setPrefix(prefix), null).stream()
                    .toList();
            rest.forEach(item -> container().getBlobClient(item.getName()).deleteIfExists());
        } catch (BlobStorageException e) {
            LOG.warnf("fan-out state under %s not removed: %s", prefix, e.getStatusCode());
        }
    }

    private static String sliceName(int slice) {
        return String.format("slice-%05d.json", slice);
    }

    private BlobContainerClient container() {
        return storage.container(config.container(), PURPOSE);
    }

    private BlobClient blob(String runId, String plan, String name) {
        return container().getBlobClient(runId + "/" + plan + "/" + name);
    }

    /** @return false when {@code createOnly} and the blob exists */
    private boolean write(BlobClient blob, Object value, boolean createOnly) {
        try {
            blob.uploadWithResponse(
                    new BlobParallelUploadOptions(BinaryData.fromString(json(value)))
                            .setHeaders(new BlobHttpHeaders().setContentType("application/json"))
                            .setRequestConditions(createOnly ? new BlobRequestConditions().setIfNoneMatch("*") : null),
                    null,
                    null);
            return true;
        } catch (BlobStorageException e) {
            if (createOnly && (e.getStatusCode() == 409 || e.getStatusCode() == 412)) {
                return false;
            }
            throw FunctionStorage.unavailable(PURPOSE, e);
        }
    }

    private <T> Optional<T> read(BlobClient blob, Class<T> type) {
        try {
            return Optional.of(mapper.readValue(blob.downloadContent().toBytes(), type));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw FunctionStorage.unavailable(PURPOSE, e);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + blob.getBlobName(), e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
