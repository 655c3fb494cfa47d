package io.pgferry.function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.config.FileServerConfig;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.read.PayloadReader;
import io.pgferry.contract.read.StoreChecks;
import io.pgferry.sink.blob.BlobStore;
import io.pgferry.sink.file.FileServerStore;

/** Reads copy requests, whatever brought them, with this deployment's sink checks. */
@ApplicationScoped
public class CopyRequests {
    private final FileServerConfig fileServer;

    @Inject
    CopyRequests(FileServerConfig fileServer) {
        this.fileServer = fileServer;
    }

    /**
     * @param defaultRunId the run id unless the request names one ({@code runId})
     * @throws io.pgferry.contract.CopyException 400 listing every problem of the request
     */
    public CopyJob read(JsonNode request, String defaultRunId) {
        StoreChecks checks = new StoreChecks(BlobStore::connectionStringProblem,
                host -> FileServerStore.rootProblem(host, fileServer.allowedRoots()));
        return new PayloadReader(checks, defaultRunId).read(request);
    }
}
