package io.pgferry.functionstorage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;

/**
 * Pipeline runs' manifests, one JSON blob per run ({@code pgferry-manifests/<runId>.json}) in the function's own
 * storage account: the list of every copy's files and the snapshot they share, written once all of them are
 * committed.
 */
@ApplicationScoped
public class PipelineManifests {
    static final String CONTAINER = "pgferry-manifests";
    private static final String PURPOSE = "pipeline manifests";

    private final FunctionStorage storage;

    @Inject
    PipelineManifests(FunctionStorage storage) {
        this.storage = storage;
    }

    /**
     * Writes (or, for a rerun of the run id, replaces) a run's manifest.
     *
     * @return where it is: {@code pgferry-manifests/<runId>.json}
     */
    public String commit(String runId, byte[] manifest) {
        String name = runId + ".json";
        try {
            storage.container(CONTAINER, PURPOSE)
                    .getBlobClient(name)
                    .uploadWithResponse(
                            new BlobParallelUploadOptions(BinaryData.fromBytes(manifest))
                                    .setHeaders(new BlobHttpHeaders().setContentType("application/json")),
                            null,
                            null);
        } catch (BlobStorageException e) {
            throw FunctionStorage.unavailable(PURPOSE, e);
        }
        return CONTAINER + "/" + name;
    }
}
