package io.pgferry.intake;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.config.FileServerConfig;
import io.pgferry.contract.CopyJob;
import io.pgferry.payload.PayloadReader;
import io.pgferry.payload.SinkChecks;
import io.pgferry.sink.blob.BlobContainers;
import io.pgferry.sink.file.FileServerSink;

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
     * @throws io.pgferry.error.CopyException 400 listing every problem of the request
     */
    public CopyJob read(JsonNode request, String defaultRunId) {
        SinkChecks checks = new SinkChecks(BlobContainers::connectionStringProblem,
                host -> FileServerSink.rootProblem(host, fileServer.allowedRoots()));
        return new PayloadReader(checks, defaultRunId).read(request);
    }
}
