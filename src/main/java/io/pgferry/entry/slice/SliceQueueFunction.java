package io.pgferry.entry.slice;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.FanOutPlan;
import io.pgferry.copy.SliceWorker;
import io.pgferry.entry.host.HostResponse;
import io.pgferry.entry.host.HostValues;
import io.pgferry.error.CopyException;
import io.pgferry.error.Violation;
import io.pgferry.intake.CopyIntake;
import io.quarkus.funqy.Funq;

/**
 * The slice-queue trigger ({@code function-app/copySlice}): the host posts {@code /copySlice} with a message of the
 * {@code pgferry-slices} queue in {@code Data.message}, {@code {"runId", "plan", "slice"}}, which a fanned-out copy's
 * planning instance put there. A failure that another delivery may mend answers a non-2xx status, so the host
 * delivers the message again (and, after {@code maxDequeueCount} deliveries, moves it to the poison queue).
 */
public class SliceQueueFunction {
    /** Both name blobs of the function's storage: nothing but the characters pgferry gives them. */
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Pattern PLAN = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Inject
    ObjectMapper mapper;

    @Inject
    CopyIntake intake;

    @Funq("copySlice")
    public HostResponse copySlice(JsonNode invocation) {
        JsonNode message = HostValues.object(mapper, invocation, "/Data/message", "{\"runId\", \"plan\", \"slice\"}");
        FanOutPlan.SliceMessage slice = new FanOutPlan.SliceMessage(
                HostValues.text(mapper, message, "/runId", "/Data/message/runId"),
                HostValues.text(mapper, message, "/plan", "/Data/message/plan"),
                HostValues.value(mapper, message, "/slice").asInt(-1));
        List<Violation> problems = new ArrayList<>();
        if (!RUN_ID.matcher(slice.runId()).matches()) {
            problems.add(new Violation("/Data/message/runId", "is not a run id"));
        }
        if (!PLAN.matcher(slice.plan()).matches()) {
            problems.add(new Violation("/Data/message/plan", "is not a plan id"));
        }
        if (slice.slice() < 0) {
            problems.add(new Violation("/Data/message/slice", "must be a slice number"));
        }
        if (!problems.isEmpty()) {
            throw CopyException.invalidPayload(problems);
        }
        int delivery =
                HostValues.value(mapper, invocation, "/Metadata/DequeueCount").asInt(1);
        SliceWorker.Ending ending = intake.copySlice(slice, delivery);
        return HostResponse.logs("pgferry run " + slice.runId() + " slice " + slice.slice() + " (delivery " + delivery
                + "): " + ending.name().toLowerCase(java.util.Locale.ROOT));
    }
}
