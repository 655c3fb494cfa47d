package io.pgferry.entry.copy;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.contract.RunStatistics;
import io.pgferry.intake.CopyIntake;
import io.quarkus.funqy.Funq;

/**
 * The copy as a Funqy function, so every trigger binds to the same code: {@code POST /copy} with an ADF copy payload
 * answers the run statistics. The body is taken as a JSON tree and checked field by field before anything is bound,
 * so a bad request gets every problem with its JSON pointer (see {@code entry.http.ErrorResponses}).
 */
public class CopyFunction {
    @Inject
    CopyIntake intake;

    @Funq("copy")
    public RunStatistics copy(JsonNode request) {
        return intake.copyNow(request);
    }
}
