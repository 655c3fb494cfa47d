package io.pgferry.trigger;

import java.util.List;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.CopyException;
import io.pgferry.contract.Violation;
import io.pgferry.function.CopyRequests;
import io.pgferry.runs.RunRecord;
import io.pgferry.runs.Runs;
import io.quarkus.funqy.Funq;

/**
 * The Event Grid trigger ({@code function-app/copyOnEvent}): the host's Event Grid extension answers the subscription
 * handshake and posts {@code /copyOnEvent} once per event, the event in {@code Data.event} (Event Grid schema or
 * CloudEvents). A {@code Microsoft.Storage.BlobCreated} event runs the copy payload in the created blob; any other
 * event carries the payload in its {@code data} (or {@code data.payloadBlob}). The run id is the payload's
 * {@code runId}, else the event id, so a redelivered event copies once. A failure answers non-2xx and Event Grid
 * retries.
 */
public class EventCopyFunction {
    static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";

    @Inject
    ObjectMapper mapper;

    @Inject
    CopyRequests requests;

    @Inject
    PayloadBlobs payloadBlobs;

    @Inject
    Runs runs;

    @Funq("copyOnEvent")
    public HostResponse copyOnEvent(JsonNode invocation) {
        JsonNode event = HostValues.object(mapper, invocation, "/Data/event", "an Event Grid or CloudEvents event");
        String id = HostValues.text(mapper, event, "/id");
        String type = event.path(event.has("eventType") ? "eventType" : "type").asText();
        JsonNode data = event.path("data");
        JsonNode payload;
        if (type.equals(BLOB_CREATED)) {
            if (data.path("api").asText().equals("CreateFile")) {
                // Data Lake accounts announce a file before it is written; FlushWithClose follows with the content.
                return HostResponse.logs("pgferry: event " + id + " announces an empty file; nothing to copy");
            }
            payload = payloadBlobs.read(HostValues.text(mapper, data, "/url"), "/Data/event/data/url");
        } else if (data.isObject() && data.has("payloadBlob")) {
            payload = payloadBlobs.read(HostValues.text(mapper, data, "/payloadBlob"),
                    "/Data/event/data/payloadBlob");
        } else if (data.isObject()) {
            payload = data;
        } else {
            throw CopyException.invalidPayload(List.of(new Violation("/Data/event/data",
                    "must be a copy payload, {\"payloadBlob\": ...} or a BlobCreated event's data")));
        }
        RunRecord record = runs.runOnce(requests.read(payload, id), "event");
        return HostResponse.logs("pgferry run " + record.runId() + " (event " + id + ", " + type + "): "
                + record.status() + ", " + record.rowsCopied() + " rows");
    }
}
