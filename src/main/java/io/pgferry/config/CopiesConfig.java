package io.pgferry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What one instance takes on at once. */
@ConfigMapping(prefix = "pgferry.copies")
public interface CopiesConfig {

    /**
     * Copies running at once on this instance; one more is refused with 503 {@code InstanceBusy} and
     * {@code Retry-After} (the Functions host and Logic Apps retry it, another instance may take it). Memory is
     * bounded separately (block buffers share a quarter of the heap). Environment variable:
     * {@code PGFERRY_COPIES_MAX_CONCURRENT}.
     */
    @WithDefault("48")
    int maxConcurrent();
}
