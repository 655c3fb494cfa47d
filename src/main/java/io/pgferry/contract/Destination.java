package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** The store a sink writes to, from its linked service (and, for Blob Storage, the dataset's container). */
public sealed interface Destination {

    /** ADF's name for the store, as {@code executionDetails[].sink.type} reports it. */
    String type();

    /** A container of an {@code AzureBlobStorage} account. */
    record BlobStorage(BlobAccount account, String container) implements Destination {
        public BlobStorage {
            requireNonNull(account, "account is null");
            requireNonNull(container, "container is null");
        }

        @Override
        public String type() {
            return "AzureBlobStorage";
        }
    }

    /**
     * A {@code FileServer} linked service: a folder on the function host (a local disk or a mounted share), allowed
     * by configuration.
     */
    record FileServer(Path root) implements Destination {
        public FileServer {
            requireNonNull(root, "root is null");
        }

        @Override
        public String type() {
            return "FileServer";
        }
    }
}
