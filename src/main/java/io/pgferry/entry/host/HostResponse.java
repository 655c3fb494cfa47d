package io.pgferry.entry.host;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a custom handler answers an invocation with (2xx, {@code application/json}): output bindings by name, lines
 * for the invocation's log, and the {@code $return} value. pgferry's trigger functions have no output bindings; their
 * logs name the run and what it did.
 */
@RegisterForReflection
public record HostResponse(
        @JsonProperty("Outputs") Map<String, Object> outputs,
        @JsonProperty("Logs") List<String> logs,

        @JsonProperty("ReturnValue") @JsonInclude(JsonInclude.Include.ALWAYS)
        Object returnValue) {

    public HostResponse {
        outputs = Map.copyOf(outputs);
        logs = List.copyOf(logs);
    }

    public static HostResponse logs(String... lines) {
        return new HostResponse(Map.of(), List.of(lines), null);
    }
}
