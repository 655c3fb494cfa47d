package io.pgferry.functionstorage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.Watermark;
import io.pgferry.error.CopyException;

/**
 * Incremental copies' watermarks, one JSON blob per state key ({@code pgferry-watermarks/<sha256 of the key>.json}) in
 * the function's own storage account, beside the run records.
 */
@ApplicationScoped
public class Watermarks {
    static final String CONTAINER = "pgferry-watermarks";
    private static final String PURPOSE = "watermarks";

    private final FunctionStorage storage;
    private final ObjectMapper mapper;

    @Inject
    Watermarks(FunctionStorage storage, ObjectMapper mapper) {
        this.storage = storage;
        this.mapper = mapper;
    }

    /** The watermark the last committed run of {@code key} left; empty before the first. */
    public Optional<Watermark> find(String key) {
        try {
            return Optional.of(mapper.readValue(blob(key).downloadContent().toBytes(), Watermark.class));
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable watermark", e);
        }
    }

    /** Stores the watermark of a run whose output is committed. */
    public void save(String key, Watermark watermark) {
        try {
            blob(key)
                    .uploadWithResponse(
                            new BlobParallelUploadOptions(BinaryData.fromBytes(mapper.writeValueAsBytes(watermark)))
                                    .setHeaders(new BlobHttpHeaders().setContentType("application/json")),
                            null,
                            null);
        } catch (BlobStorageException e) {
            throw unavailable(e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a watermark", e);
        }
    }

    private BlobClient blob(String key) {
        return storage.container(CONTAINER, PURPOSE).getBlobClient(sha256(key) + ".json");
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CopyException unavailable(BlobStorageException e) {
        return FunctionStorage.unavailable(PURPOSE, e);
    }
}
