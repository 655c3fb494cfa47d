package io.pgferry.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Where {@code FileServer} sinks may write on the function host. */
@ConfigMapping(prefix = "pgferry.file-server")
public interface FileServerConfig {

    /**
     * Absolute folders (local disks or mounted shares) that a {@code FileServer} linked service's {@code host} may name
     * or lie under. Unset (the default), {@code FileServer} sinks are refused: a request must never choose where on
     * the host to write. Environment variable: {@code PGFERRY_FILE_SERVER_ALLOWED_ROOTS}, comma-separated.
     */
    Optional<List<Path>> allowedRoots();
}
