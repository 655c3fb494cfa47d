package io.pgferry.entry.pipeline;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.contract.PipelineRunOutput;
import io.pgferry.intake.CopyIntake;
import io.pgferry.pipeline.PipelineRunner;

/**
 * {@code POST /pipelines} ({@code function-app/pipelines}): runs a pipeline of several activities (Lookup, Copy,
 * ForEach, IfCondition, SetVariable, Wait) and answers its run and activity runs, as ADF's run queries show them:
 * 200 when it succeeded, else the status of its first failing activity's error, with the same body.
 */
@Path("/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {
    @Inject
    CopyIntake intake;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response run(JsonNode request) {
        PipelineRunOutput output = intake.runPipeline(request);
        return Response.status(PipelineRunner.httpStatus(output)).entity(output).build();
    }
}
