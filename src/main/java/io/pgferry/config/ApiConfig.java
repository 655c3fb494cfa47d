package io.pgferry.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Access to pgferry's own endpoints when no Functions host stands in front of it. */
@ConfigMapping(prefix = "pgferry.api")
public interface ApiConfig {

    /**
     * When set, every request but the readiness probe ({@code GET /}) must carry it, as Azure's function keys travel:
     * header {@code x-functions-key} or query parameter {@code code}. On Azure Functions leave it unset: the host
     * checks function keys itself ({@code authLevel: function}). Property {@code pgferry.api.key}, environment variable {@code PGFERRY_API_KEY}.
     */
    Optional<String> key();
}
