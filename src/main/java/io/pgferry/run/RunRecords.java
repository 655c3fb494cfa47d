package io.pgferry.run;

import java.io.UncheckedIOException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.config.StorageConfig;
import io.pgferry.error.CopyException;
import io.pgferry.functionstorage.FunctionStorage;

/**
 * Run records as JSON blobs, {@code <runsContainer>/<runId>.json}, written with optimistic concurrency (ETags), so two
 * instances never both claim a run and a heartbeat never overwrites a cancel request.
 */
@ApplicationScoped
public class RunRecords {
    private static final String PURPOSE = "run records";
    private final FunctionStorage storage;
    private final String containerName;
    private final ObjectMapper mapper;

    @Inject
    RunRecords(FunctionStorage storage, StorageConfig config, ObjectMapper mapper) {
        this.storage = storage;
        this.containerName = config.runsContainer();
        this.mapper = mapper;
    }

    /** A record with the ETag it was read at. */
    public record Stored(RunRecord record, String etag) {}

    /** @return the new record's ETag, or empty when a record of that run id exists */
    Optional<String> create(RunRecord record) {
        return write(record, new BlobRequestConditions().setIfNoneMatch("*"));
    }

    /** @return the new ETag, or empty when the record changed since {@code etag} */
    Optional<String> replace(RunRecord record, String etag) {
        return write(record, new BlobRequestConditions().setIfMatch(etag));
    }

    public Optional<Stored> find(String runId) {
        try {
            var response = blob(runId).downloadContentWithResponse(null, null, null, null);
            return Optional.of(new Stored(
                    mapper.readValue(response.getValue().toBytes(), RunRecord.class),
                    response.getDeserializedHeaders().getETag()));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException("unreadable run record " + runId, e);
        }
    }

    private Optional<String> write(RunRecord record, BlobRequestConditions conditions) {
        try {
            byte[] json = mapper.writeValueAsBytes(record);
            var response = blob(record.runId())
                    .uploadWithResponse(
                            new BlobParallelUploadOptions(BinaryData.fromBytes(json))
                                    .setRequestConditions(conditions)
                                    .setHeaders(new BlobHttpHeaders().setContentType("application/json")),
                            null,
                            null);
            return Optional.of(response.getValue().getETag());
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 409
                    || e.getStatusCode() == 412
                    || BlobErrorCode.BLOB_ALREADY_EXISTS.equals(e.getErrorCode())) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a run record", e);
        }
    }

    private BlobClient blob(String runId) {
        return container().getBlobClient(runId + ".json");
    }

    private BlobContainerClient container() {
        return storage.container(containerName, PURPOSE);
    }

    private static CopyException unavailable(BlobStorageException e) {
        return FunctionStorage.unavailable(PURPOSE, e);
    }
}
