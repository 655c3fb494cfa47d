package io.pgferry.entry.eventgrid;

import java.util.Optional;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.entry.host.HostResponse;
import io.pgferry.entry.host.HostValues;
import io.pgferry.intake.CopyIntake;
import io.pgferry.intake.Trigger;
import io.pgferry.run.RunRecord;
import io.quarkus.funqy.Funq;

/**
 * The Event Grid trigger ({@code function-app/copyOnEvent}): the host's Event Grid extension answers the subscription
 * handshake and posts {@code /copyOnEvent} once per event, the event in {@code Data.event} (see
 * {@link EventPayloads} for what it may carry). The run id is the payload's {@code runId}, else the event id, so a
 * redelivered event copies once. A failure answers non-2xx and Event Grid retries.
 */
public class EventCopyFunction {
    @Inject
    ObjectMapper mapper;

    @Inject
    CopyIntake intake;

    @Inject
    EventPayloads payloads;

    @Funq("copyOnEvent")
    public HostResponse copyOnEvent(JsonNode invocation) {
        JsonNode event = HostValues.object(mapper, invocation, "/Data/event", "an Event Grid or CloudEvents event");
        String id = HostValues.text(mapper, event, "/id", "/Data/event/id");
        Optional<JsonNode> payload = payloads.payload(event, "/Data/event");
        if (payload.isEmpty()) {
            return HostResponse.logs("pgferry: event " + id + " announces an empty file; nothing to copy");
        }
        RunRecord record = intake.copyOnce(new CopyIntake.Delivery(payload.get(), id), Trigger.EVENT);
        return HostResponse.logs("pgferry run " + record.runId() + " (event " + id + ", " + EventPayloads.type(event)
                + "): " + record.status() + ", " + record.rowsCopied() + " rows");
    }
}
