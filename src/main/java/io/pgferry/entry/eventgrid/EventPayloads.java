package io.pgferry.entry.eventgrid;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.entry.host.HostValues;
import io.pgferry.entry.queue.PayloadBlobs;
import io.pgferry.error.CopyException;
import io.pgferry.error.Violation;

/**
 * The copy payload an event (Event Grid schema or CloudEvents) carries: a {@code Microsoft.Storage.BlobCreated}
 * event's blob holds it; any other event has it in {@code data}, or names its blob in {@code data.payloadBlob}.
 */
@ApplicationScoped
class EventPayloads {
    static final String BLOB_CREATED = "Microsoft.Storage.BlobCreated";

    private final ObjectMapper mapper;
    private final PayloadBlobs payloadBlobs;

    @Inject
    EventPayloads(ObjectMapper mapper, PayloadBlobs payloadBlobs) {
        this.mapper = mapper;
        this.payloadBlobs = payloadBlobs;
    }

    static String type(JsonNode event) {
        return event.path(event.has("eventType") ? "eventType" : "type").asText();
    }

    /**
     * @param pointer where the event is in the request, for errors
     * @return the payload, or empty for an event that announces nothing to copy (a Data Lake file created empty,
     *         before its content is flushed)
     * @throws CopyException 400 naming the field when the event carries no payload
     */
    Optional<JsonNode> payload(JsonNode event, String pointer) {
        JsonNode data = event.path("data");
        if (type(event).equals(BLOB_CREATED)) {
            if (data.path("api").asText().equals("CreateFile")) {
                return Optional.empty();
            }
            return Optional.of(payloadBlobs.read(
                    HostValues.text(mapper, data, "/url", pointer + "/data/url"), pointer + "/data/url"));
        }
        if (data.isObject() && data.has("payloadBlob")) {
            return Optional.of(payloadBlobs.read(
                    HostValues.text(mapper, data, "/payloadBlob", pointer + "/data/payloadBlob"),
                    pointer + "/data/payloadBlob"));
        }
        if (data.isObject()) {
            return Optional.of(data);
        }
        throw CopyException.invalidPayload(List.of(new Violation(
                pointer + "/data", "must be a copy payload, {\"payloadBlob\": ...} or a BlobCreated event's data")));
    }
}
