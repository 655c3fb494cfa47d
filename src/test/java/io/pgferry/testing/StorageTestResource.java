package io.pgferry.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Points the application's own storage (run records, payload blobs) at the tests' Azurite. */
public final class StorageTestResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return Map.of(
                "pgferry.storage.connection-string", TestingServers.azurite().connectionString());
    }

    @Override
    public void stop() {
        // Azurite stops with the test JVM
    }
}
