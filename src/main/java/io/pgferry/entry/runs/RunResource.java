package io.pgferry.entry.runs;

import java.net.URI;
import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.error.ErrorCode;
import io.pgferry.intake.CopyIntake;
import io.pgferry.intake.Trigger;
import io.pgferry.run.RunRecord;
import io.pgferry.run.RunStatus;
import io.pgferry.run.Runs;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Asynchronous copies for callers that cannot wait (Logic Apps, anything behind Azure's 230-second HTTP limit), in
 * the asynchronous request-reply pattern as Logic Apps implements it: {@code POST /runs} checks the payload (400 at
 * once when invalid), starts the copy and answers {@code 202 Accepted} with {@code Location} (this run's status URL,
 * absolute, carrying the caller's function key as {@code code}) and {@code Retry-After}. {@code GET} on it answers
 * 202 with progress while the copy runs (Logic Apps polls until the first non-202), then 200 with the copy output,
 * or the copy's error status and ADF-style error. {@code DELETE} cancels the run.
 */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {
    static final int RETRY_AFTER_SECONDS = 20;

    @Inject
    CopyIntake intake;

    @Inject
    Runs runs;

    @Context
    UriInfo uri;

    /** What a status request answers while a run is in progress. */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunProgress(
            String runId,
            RunStatus status,
            String activityName,
            Instant startedAt,
            Instant updatedAt,
            long rowsCopied,
            Long estimatedRows,
            Integer percent) {
        static RunProgress of(RunRecord record) {
            return new RunProgress(
                    record.runId(),
                    record.status(),
                    record.activityName(),
                    record.startedAt(),
                    record.updatedAt(),
                    record.rowsCopied(),
                    record.estimatedRows() < 0 ? null : record.estimatedRows(),
                    record.percent() < 0 ? null : record.percent());
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(
            JsonNode request, @QueryParam("code") String code, @HeaderParam("x-functions-key") String functionKey) {
        RunRecord record = intake.start(request, Trigger.HTTP);
        return answer(record, code != null ? code : functionKey);
    }

    @GET
    @Path("{runId}")
    public Response status(
            @PathParam("runId") String runId,
            @QueryParam("code") String code,
            @HeaderParam("x-functions-key") String functionKey) {
        return runs.find(runId)
                .map(record -> answer(record, code != null ? code : functionKey))
                .orElseGet(() -> notFound(runId));
    }

    @DELETE
    @Path("{runId}")
    public Response cancel(
            @PathParam("runId") String runId,
            @QueryParam("code") String code,
            @HeaderParam("x-functions-key") String functionKey) {
        return runs.cancel(runId)
                .map(record -> answer(record, code != null ? code : functionKey))
                .orElseGet(() -> notFound(runId));
    }

    private Response answer(RunRecord record, String key) {
        if (!record.status().finished()) {
            UriBuilder location = uri.getBaseUriBuilder().path("runs").path(record.runId());
            if (key != null && !key.isBlank()) {
                location.queryParam("code", key);
            }
            URI status = location.build();
            return Response.accepted(RunProgress.of(record))
                    .location(status)
                    .header("Retry-After", RETRY_AFTER_SECONDS)
                    .build();
        }
        if (record.status() == RunStatus.Succeeded) {
            return Response.ok(record.output()).build();
        }
        return Response.status(record.httpStatus() == 0 ? 500 : record.httpStatus())
                .entity(record.error())
                .build();
    }

    private static Response notFound(String runId) {
        return Response.status(ErrorCode.RunNotFound.httpStatus())
                .entity(ErrorCode.RunNotFound.response("there is no run '" + runId + "'"))
                .build();
    }
}
