package io.pgferry.entry.queue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.blob.models.BlobStorageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.config.StorageConfig;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.Violation;
import io.pgferry.functionstorage.FunctionStorage;

/**
 * Copy payloads kept as blobs in the function's own storage account, named by a queue message or custom event
 * ({@code payloadBlob}: {@code container/path.json} or the blob's URL) or by a {@code BlobCreated} event's URL.
 */
@ApplicationScoped
public class PayloadBlobs {
    /** A payload is a few kilobytes; anything near this is not one. */
    private static final long MAX_BYTES = 4L * 1024 * 1024;

    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");

    private final FunctionStorage storage;
    private final ObjectMapper mapper;
    private final String runsContainer;

    @Inject
    PayloadBlobs(FunctionStorage storage, ObjectMapper mapper, StorageConfig config) {
        this.storage = storage;
        this.mapper = mapper;
        this.runsContainer = config.runsContainer();
    }

    /**
     * @param pointer where the reference came from, for errors
     * @throws CopyException 400 naming {@code pointer} when the blob is elsewhere, missing or not a JSON object
     */
    public JsonNode read(String reference, String pointer) {
        BlobServiceClient service = storage.blobs();
        String container;
        String name;
        if (reference.startsWith("https://") || reference.startsWith("http://")) {
            BlobUrlParts parts;
            try {
                parts = BlobUrlParts.parse(reference);
            } catch (IllegalArgumentException e) {
                throw invalid(pointer, "is not a blob URL");
            }
            if (!parts.getAccountName().equals(service.getAccountName())) {
                throw invalid(
                        pointer,
                        "names a blob in account '" + parts.getAccountName()
                                + "'; payload blobs must be in the function's storage account");
            }
            container = parts.getBlobContainerName();
            name = parts.getBlobName();
        } else {
            int slash = reference.indexOf('/');
            if (slash <= 0 || slash == reference.length() - 1) {
                throw invalid(pointer, "must be container/path of a blob, or its URL");
            }
            container = reference.substring(0, slash);
            name = reference.substring(slash + 1);
        }
        if (container == null
                || name == null
                || !CONTAINER.matcher(container).matches()
                || container.startsWith("azure-webjobs-")
                || container.equals(runsContainer)) {
            throw invalid(
                    pointer,
                    "must name a blob in a container of payloads (not the function's own" + " azure-webjobs-* or "
                            + runsContainer + " containers)");
        }
        if (name.indexOf('\\') >= 0
                || name.chars().anyMatch(Character::isISOControl)
                || Arrays.stream(name.split("/", -1))
                        .anyMatch(part -> part.isEmpty() || part.equals(".") || part.equals(".."))) {
            throw invalid(
                    pointer,
                    "must name a blob plainly: no '.', '..' or empty segments, backslashes or" + " control characters");
        }
        BlobClient blob = service.getBlobContainerClient(container).getBlobClient(name);
        try {
            if (blob.getProperties().getBlobSize() > MAX_BYTES) {
                throw invalid(pointer, "names a blob larger than " + MAX_BYTES + " bytes; not a copy payload");
            }
            JsonNode payload = mapper.readTree(blob.downloadContent().toBytes());
            if (payload == null || !payload.isObject()) {
                throw invalid(pointer, "names a blob that does not hold a JSON object");
            }
            return payload;
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                throw invalid(pointer, "names a blob that does not exist: " + container + "/" + name);
            }
            throw CopyException.of(
                    ErrorCode.PayloadBlobUnavailable,
                    "reading the payload blob " + container + "/" + name + " failed: Blob Storage answered "
                            + e.getStatusCode(),
                    e);
        } catch (IOException e) {
            throw invalid(pointer, "names a blob that is not valid JSON");
        }
    }

    private static CopyException invalid(String pointer, String reason) {
        return CopyException.invalidPayload(List.of(new Violation(pointer, reason)));
    }
}
