package io.pgferry.entry.eventgrid;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.entry.host.HostValues;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;
import io.pgferry.error.Violation;
import io.pgferry.intake.CopyIntake;
import io.pgferry.intake.Trigger;
import io.pgferry.run.RunRecord;

/**
 * Event Grid delivering straight to pgferry ({@code POST /events}, an HTTP function), for subscriptions that target a
 * webhook rather than the Event Grid trigger. It answers both handshakes itself: the Event Grid schema's
 * {@code SubscriptionValidation} (200 with {@code validationResponse}) and the CloudEvents abuse-protection
 * {@code OPTIONS} (200 with {@code WebHook-Allowed-Origin}, {@code WebHook-Allowed-Rate}, {@code Allow}).
 *
 * <p>
 * Event Grid waits 30 seconds for an answer, so each event's copy is checked and then started in the background, as
 * {@code POST /runs} starts it; the answer is 202 once every event of the delivery is accepted. Status codes follow
 * Event Grid's retry rules: 400 only when a retry can never help (it dead-letters at once), 5xx to be retried.
 */
@Path("/events")
@Produces(MediaType.APPLICATION_JSON)
public class EventGridWebhook {
    static final String VALIDATION_EVENT = "Microsoft.EventGrid.SubscriptionValidationEvent";

    @Inject
    ObjectMapper mapper;

    @Inject
    CopyIntake intake;

    @Inject
    EventPayloads payloads;

    @OPTIONS
    public Response handshake(
            @HeaderParam("WebHook-Request-Origin") String origin, @HeaderParam("WebHook-Request-Rate") String rate) {
        if (origin == null || origin.isBlank()) {
            return refused(ErrorCode.WebHookOriginMissing, "an abuse-protection request needs WebHook-Request-Origin");
        }
        return Response.ok()
                .header("WebHook-Allowed-Origin", origin)
                .header("WebHook-Allowed-Rate", "*")
                .header("Allow", "POST, OPTIONS")
                .build();
    }

    @POST
    public Response deliver(@HeaderParam("aeg-event-type") String deliveryType, JsonNode body) {
        List<JsonNode> events = new ArrayList<>();
        if (body != null && body.isArray()) {
            body.forEach(events::add);
        } else if (body != null && body.isObject()) {
            events.add(body);
        } else {
            throw CopyException.invalidPayload(List.of(new Violation("", "must be an event or an array of events")));
        }
        String type = deliveryType == null ? "Notification" : deliveryType;
        switch (type) {
            case "SubscriptionValidation" -> {
                JsonNode code = events.get(0).path("data").path("validationCode");
                if (!EventPayloads.type(events.get(0)).equals(VALIDATION_EVENT) || !code.isTextual()) {
                    return refused(
                            ErrorCode.InvalidValidationEvent,
                            "a SubscriptionValidation delivery carries a " + VALIDATION_EVENT
                                    + " with data.validationCode");
                }
                return Response.ok(Map.of("validationResponse", code.asText())).build();
            }
            case "SubscriptionDeletion" -> {
                return Response.ok().build();
            }
            case "Notification" -> {
                return Response.accepted(Map.of("runs", start(events, body.isArray())))
                        .build();
            }
            default -> {
                return refused(
                        ErrorCode.UnknownEventDelivery,
                        "aeg-event-type must be SubscriptionValidation, Notification" + " or SubscriptionDeletion");
            }
        }
    }

    /** Checks every event's copy first, so a delivery with one bad event starts nothing; then starts them all. */
    private List<String> start(List<JsonNode> events, boolean array) {
        List<CopyIntake.Delivery> deliveries = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String pointer = array ? "/" + i : "";
            JsonNode event = events.get(i);
            String id = HostValues.text(mapper, event, "/id", pointer + "/id");
            Optional<JsonNode> payload = payloads.payload(event, pointer);
            payload.ifPresent(p -> deliveries.add(new CopyIntake.Delivery(p, id)));
        }
        return intake.startAll(deliveries, Trigger.EVENT).stream()
                .map(RunRecord::runId)
                .toList();
    }

    private static Response refused(ErrorCode code, String message) {
        return Response.status(code.httpStatus()).entity(code.response(message)).build();
    }
}
