package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** The store a sink writes to, from its linked service (and, for Blob Storage, the dataset's container). */
public sealed interface Destination {

    /** ADF's name for the store, as {@code executionDetails[].sink.type} reports it. */
    String type();

    /**
     * A container of a Blob Storage account, named by an {@code AzureBlobStorage} linked service, or a file system of
     * a Data Lake Storage Gen2 account ({@code AzureBlobFS}), written through the account's Blob endpoint.
     *
     * @param type the linked service's type, as the statistics report it
     */
    record BlobStorage(BlobAccount account, String container, String type) implements Destination {
        public BlobStorage {
            requireNonNull(account, "account is null");
            requireNonNull(container, "container is null");
            requireNonNull(type, "type is null");
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
