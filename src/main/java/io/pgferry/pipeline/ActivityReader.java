package io.pgferry.pipeline;

import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.LookupJob;
import io.pgferry.contract.PipelineJob;
import io.pgferry.payload.expression.Expressions;

/**
 * Reads an activity of a pipeline run as it starts, with the run so far in its expressions' scope (activity
 * outputs, the ForEach item, variables).
 *
 * @see io.pgferry.payload.PayloadReader#readCopy
 */
public interface ActivityReader {
    /** @throws io.pgferry.error.CopyException 400 naming every problem of the activity */
    CopyJob copy(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> run, String activityRunId);

    /** @throws io.pgferry.error.CopyException 400 naming every problem of the activity */
    LookupJob lookup(PipelineJob.Activity activity, UnaryOperator<Expressions.Scope> run);

    /**
     * A property's value, its expressions evaluated ({@code ForEach.items}, {@code IfCondition.expression},
     * {@code SetVariable.value}, {@code Wait.waitTimeInSeconds}).
     *
     * @throws io.pgferry.error.CopyException 400 pointing at the property
     */
    JsonNode value(JsonNode value, String pointer, UnaryOperator<Expressions.Scope> run);
}
