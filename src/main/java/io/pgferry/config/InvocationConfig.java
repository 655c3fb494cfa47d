package io.pgferry.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Copies the caller waits for: {@code POST /copy} and the queue and Event Grid triggers. */
@ConfigMapping(prefix = "pgferry.invocation")
public interface InvocationConfig {

    /**
     * How long such a copy may run before pgferry cancels it ({@code InvocationTimedOut}, nothing written). Keep it
     * below host.json's {@code functionTimeout} (30 minutes): past that the host restarts the whole handler, failing
     * every copy in flight. Copies started with {@code POST /runs} have no such limit. Environment variable:
     * {@code PGFERRY_INVOCATION_TIMEOUT}.
     */
    @WithDefault("29m")
    Duration timeout();
}
