package io.pgferry.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Copies fanned out across instances ({@code fanOut} on a Copy activity). */
@ConfigMapping(prefix = "pgferry.fan-out")
public interface FanOutConfig {

    /** The queue of slice messages: {@code function-app/copySlice/function.json} binds the same name. */
    @WithDefault("pgferry-slices")
    String queue();

    /** The container of the function's account holding each fanned-out copy's plan and its slices' reports. */
    @WithDefault("pgferry-fanout")
    String container();

    /** How often the instance that planned a copy looks for its slices' reports (and the workers for its end). */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * Deliveries of a slice message before the host moves it to the poison queue: host.json's
     * {@code extensions.queues.maxDequeueCount}, so the last delivery reports a failure rather than retrying.
     */
    @WithDefault("5")
    int maxDeliveries();
}
