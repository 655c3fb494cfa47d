package io.pgferry.entry.copy;

import java.util.UUID;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.config.InvocationConfig;
import io.pgferry.contract.RunStatistics;
import io.pgferry.copy.CopyRunner;
import io.pgferry.copy.RunControl;
import io.quarkus.funqy.Funq;
import io.pgferry.intake.CopyRequests;

/**
 * The copy as a Funqy function, so every trigger binds to the same code: {@code POST /copy} with an ADF copy payload
 * answers the run statistics. The body is taken as a JSON tree and checked field by field before anything is bound,
 * so a bad request gets every problem with its JSON pointer (see {@code http.ErrorResponses}).
 */
public class CopyFunction {
    @Inject
    CopyRunner runner;

    @Inject
    CopyRequests requests;

    @Inject
    InvocationConfig invocation;

    /** Runs within {@code pgferry.invocation.timeout}, so the host's own timeout never has to stop it. */
    @Funq("copy")
    public RunStatistics copy(JsonNode request) {
        return runner.run(requests.read(request, UUID.randomUUID().toString()),
                RunControl.expiringAfter(invocation.timeout()));
    }
}
