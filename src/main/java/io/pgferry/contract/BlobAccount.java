package io.pgferry.contract;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/** How pgferry signs in to a Blob Storage account: the authentication forms of ADF's {@code AzureBlobStorage}. */
public sealed interface BlobAccount {

    /** An account key or a SAS token, as one Azure Storage connection string. */
    record Keyed(Secret connectionString) implements BlobAccount {
        public Keyed {
            requireNonNull(connectionString, "connectionString is null");
        }
    }

    /**
     * A managed identity of the function app. Without {@code userAssigned} it is the app's own identity, found as
     * {@code DefaultAzureCredential} finds it (a system-assigned identity, or the user-assigned one that
     * {@code AZURE_CLIENT_ID} names; a developer's Azure CLI login when run locally).
     */
    record ManagedIdentity(URI serviceEndpoint, Optional<UserAssigned> userAssigned) implements BlobAccount {
        public ManagedIdentity {
            requireNonNull(serviceEndpoint, "serviceEndpoint is null");
            requireNonNull(userAssigned, "userAssigned is null");
        }
    }

    /** A user-assigned managed identity, named by its client id or its Azure resource id. */
    record UserAssigned(boolean byResourceId, String id) {
        public UserAssigned {
            requireNonNull(id, "id is null");
        }
    }

    /** A Microsoft Entra application signing in with a client secret in its tenant of the given cloud. */
    record ServicePrincipal(URI serviceEndpoint, String tenant, String clientId, Secret clientSecret, AzureCloud cloud)
            implements BlobAccount {
        public ServicePrincipal {
            requireNonNull(serviceEndpoint, "serviceEndpoint is null");
            requireNonNull(tenant, "tenant is null");
            requireNonNull(clientId, "clientId is null");
            requireNonNull(clientSecret, "clientSecret is null");
            requireNonNull(cloud, "cloud is null");
        }
    }

    /** ADF's {@code azureCloudType} values and the Entra authority each signs in at. */
    enum AzureCloud {
        AzurePublic("https://login.microsoftonline.com/"),
        AzureChina("https://login.chinacloudapi.cn/"),
        AzureUsGovernment("https://login.microsoftonline.us/"),
        AzureGermany("https://login.microsoftonline.de/");

        private final String authorityHost;

        AzureCloud(String authorityHost) {
            this.authorityHost = authorityHost;
        }

        public String authorityHost() {
            return authorityHost;
        }
    }
}
