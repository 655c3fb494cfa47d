package io.pgferry.testing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The bodies the Functions host posts to a custom handler for non-HTTP triggers ({@code {"Data", "Metadata"}}), with
 * the host's quirks: string values JSON-encoded a second time, {@code DequeueCount} as a string, ids quoted.
 */
public final class HostInvocations {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HostInvocations() {}

    /** A queue trigger named {@code message} fired by a message of {@code text}. */
    public static ObjectNode queue(String text, String messageId, String popReceipt, long dequeueCount) {
        ObjectNode invocation = MAPPER.createObjectNode();
        invocation.putObject("Data").put("message", encodeAgain(text));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode metadata = invocation.putObject("Metadata");
        metadata.put("DequeueCount", Long.toString(dequeueCount))
                .put("ExpirationTime", now.plus(7, ChronoUnit.DAYS).toString())
                .put("Id", encodeAgain(messageId))
                .put("InsertionTime", now.toString())
                .put("NextVisibleTime", now.plus(10, ChronoUnit.MINUTES).toString())
                .put("PopReceipt", encodeAgain(popReceipt));
        sys(metadata, "copyOnQueue");
        return invocation;
    }

    /** An Event Grid trigger named {@code event} fired by {@code event}; Metadata repeats its data. */
    public static ObjectNode event(JsonNode event) {
        ObjectNode invocation = MAPPER.createObjectNode();
        invocation.putObject("Data").set("event", event);
        ObjectNode metadata = invocation.putObject("Metadata");
        metadata.set("data", event.path("data"));
        sys(metadata, "copyOnEvent");
        return invocation;
    }

    /** A {@code Microsoft.Storage.BlobCreated} event (Event Grid schema) for the blob at {@code url}. */
    public static ObjectNode blobCreated(String id, String url, String api) {
        ObjectNode event = MAPPER.createObjectNode()
                .put(
                        "topic",
                        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"
                                + "Microsoft.Storage/storageAccounts/devstoreaccount1")
                .put(
                        "subject",
                        "/blobServices/default/containers/"
                                + url.replaceFirst(".*/devstoreaccount1/", "").replaceFirst("/", "/blobs/"))
                .put("eventType", "Microsoft.Storage.BlobCreated")
                .put("eventTime", Instant.now().toString())
                .put("id", id)
                .put("dataVersion", "")
                .put("metadataVersion", "1");
        event.putObject("data")
                .put("api", api)
                .put("eTag", "\"0x8DC0FFEE1234567\"")
                .put("contentType", "application/json")
                .put("blobType", "BlockBlob")
                .put("url", url)
                .put("sequencer", "0000000000000000000000000001a2b30000000000c0ffee");
        return event;
    }

    /** A custom event in the CloudEvents schema whose data is {@code data}. */
    public static ObjectNode cloudEvent(String id, JsonNode data) {
        ObjectNode event = MAPPER.createObjectNode()
                .put("specversion", "1.0")
                .put("id", id)
                .put("source", "/pgferry/tests")
                .put("type", "Pgferry.CopyRequested")
                .put("time", Instant.now().toString());
        event.set("data", data);
        return event;
    }

    private static void sys(ObjectNode metadata, String function) {
        metadata.putObject("sys")
                .put("MethodName", function)
                .put("UtcNow", Instant.now().toString())
                .put("RandGuid", UUID.randomUUID().toString());
    }

    private static String encodeAgain(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
