package io.pgferry.entry.queue;

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
 * The Storage-queue trigger ({@code function-app/copyOnQueue}): the host posts {@code /copyOnQueue} with the message
 * in {@code Data.message}, a copy payload or {@code {"payloadBlob": "container/path.json"}}. The run id is the
 * payload's {@code runId}, else the message id, so a message delivered twice copies once. A failed copy answers a
 * non-2xx status: the host makes the message visible again and, after {@code maxDequeueCount} attempts, moves it to
 * the poison queue.
 */
public class QueueCopyFunction {
    @Inject
    ObjectMapper mapper;

    @Inject
    CopyIntake intake;

    @Inject
    PayloadBlobs payloadBlobs;

    @Funq("copyOnQueue")
    public HostResponse copyOnQueue(JsonNode invocation) {
        JsonNode message = HostValues.object(
                mapper, invocation, "/Data/message", "a copy payload or {\"payloadBlob\": \"container/path.json\"}");
        String messageId = HostValues.text(mapper, invocation, "/Metadata/Id");
        String dequeueCount =
                HostValues.value(mapper, invocation, "/Metadata/DequeueCount").asText("1");
        JsonNode payload = message.has("payloadBlob")
                ? payloadBlobs.read(
                        HostValues.text(mapper, message, "/payloadBlob", "/Data/message/payloadBlob"),
                        "/Data/message/payloadBlob")
                : message;
        RunRecord record = intake.copyOnce(new CopyIntake.Delivery(payload, messageId), Trigger.QUEUE);
        return HostResponse.logs("pgferry run " + record.runId() + " (message " + messageId + ", attempt "
                + dequeueCount + "): " + record.status() + ", " + record.rowsCopied() + " rows");
    }
}
