package io.pgferry.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.config.FileServerConfig;
import io.pgferry.contract.RunStatistics;
import io.pgferry.contract.read.PayloadReader;
import io.pgferry.contract.read.StoreChecks;
import io.pgferry.run.CopyRunner;
import io.pgferry.sink.blob.BlobStore;
import io.pgferry.sink.file.FileServerStore;
import io.quarkus.funqy.Funq;

/**
 * The copy as a Funqy function, so every trigger binds to the same code: {@code POST /copy} with an ADF copy payload
 * answers the run statistics. The body is taken as a JSON tree and checked field by field before anything is bound,
 * so a bad request gets every problem with its JSON pointer (see {@code http.ErrorResponses}).
 */
public class CopyFunction {
    @Inject
    CopyRunner runner;

    @Inject
    FileServerConfig fileServer;

    @Funq("copy")
    public RunStatistics copy(JsonNode request) {
        StoreChecks checks = new StoreChecks(BlobStore::connectionStringProblem,
                host -> FileServerStore.rootProblem(host, fileServer.allowedRoots()));
        return runner.run(new PayloadReader(checks).read(request));
    }
}
