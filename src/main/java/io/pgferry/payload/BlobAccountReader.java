package io.pgferry.payload;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.Secret;

/**
 * A Blob Storage linked service's account and sign-in: an account-key or SAS connection string, a SAS URI, or a
 * service endpoint with a key, a SAS token, a service principal or a managed identity.
 */
final class BlobAccountReader {
    /** The linked service types that name a Blob Storage account. */
    enum Kind {
        /** {@code AzureBlobStorage}: a connection string, a SAS URI or a service endpoint. */
        BLOB_STORAGE("connectionString", "sasUri", "serviceEndpoint"),
        /** The legacy {@code AzureStorage}: keys and SAS only. */
        AZURE_STORAGE("connectionString", "sasUri", "serviceEndpoint"),
        /**
         * {@code AzureBlobFS} (Data Lake Storage Gen2): a {@code url} or a SAS URI. A hierarchical-namespace account
         * takes the Blob API too, so its {@code dfs} endpoint is written through the account's {@code blob} one.
         */
        DATA_LAKE("url", "sasUri");

        private final List<String> endpoints;

        Kind(String... endpoints) {
            this.endpoints = List.of(endpoints);
        }
    }

    /** {@code <account>.dfs.<suffix>}: a Data Lake endpoint of a public or sovereign cloud. */
    private static final Pattern DFS_HOST = Pattern.compile("([a-z0-9]+)\\.dfs\\.(.+)", Pattern.CASE_INSENSITIVE);

    private final Reading reading;
    private final SinkChecks checks;
    private final Map<String, Field> credentials;

    /** @param credentials the request's {@code credentials} by name, which a linked service's credential names */
    BlobAccountReader(Reading reading, SinkChecks checks, Map<String, Field> credentials) {
        this.reading = reading;
        this.checks = checks;
        this.credentials = credentials;
    }

    private static final Pattern USER_ASSIGNED_IDENTITY =
            Pattern.compile("(?i)/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ManagedIdentity"
                    + "/userAssignedIdentities/[^/]+");

    /**
     * The account's sign-in, whichever of ADF's forms the linked service uses: an account-key
     * {@code connectionString}; a {@code sasUri} (account or container SAS, with its token in the URI or in
     * {@code sasToken}); or a {@code serviceEndpoint} with an {@code accountKey}, a {@code sasToken}, a service
     * principal, a user-assigned identity ({@code credential}) or, with none of these, the function's own identity.
     * {@code authenticationType}, when given, must agree with the properties.
     */
    BlobAccount read(Field settings, Kind kind) {
        List<String> given = kind.endpoints.stream()
                .filter(name -> settings.get(name).present())
                .toList();
        if (given.size() != 1) {
            reading.violation(
                    settings,
                    given.isEmpty()
                            ? "needs " + String.join(" or ", kind.endpoints)
                            : "takes one of " + String.join(", ", kind.endpoints) + ", not "
                                    + String.join(" and ", given));
            return null;
        }
        Field authenticationType = settings.get("authenticationType");
        String declared = authenticationType.present()
                        && reading.oneOf(authenticationType, Set.of("AccountKey", "SasUri", "ServicePrincipal", "Msi"))
                ? authenticationType.node().asText()
                : null;
        BlobAccount account;
        String mode;
        if (given.get(0).equals("connectionString")) {
            Secret connectionString = reading.secret(settings.get("connectionString"), true);
            account = connectionString == null ? null : keyed(settings.get("connectionString"), connectionString);
            mode = connectionString != null && connectionString.reveal().contains("SharedAccessSignature=")
                    ? "SasUri"
                    : "AccountKey";
        } else {
            Field urlField = settings.get(given.get(0));
            URI uri = serviceUri(urlField, kind);
            if (uri == null) {
                return null;
            }
            Secret sasToken = reading.secret(settings.get("sasToken"), false);
            Secret accountKey = reading.secret(settings.get("accountKey"), false);
            String sas = sasToken != null ? sasToken.reveal().replaceFirst("^\\?", "") : uri.getRawQuery();
            URI endpoint = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + serviceRoot(uri));
            if (accountKey != null) {
                mode = "AccountKey";
                account = keyed(
                        urlField,
                        new Secret("DefaultEndpointsProtocol=" + uri.getScheme() + ";AccountName=" + accountName(uri)
                                + ";AccountKey=" + accountKey.reveal() + ";BlobEndpoint=" + endpoint + ";"));
            } else if (sas != null && !sas.isBlank()) {
                mode = "SasUri";
                account =
                        keyed(urlField, new Secret("BlobEndpoint=" + endpoint + ";SharedAccessSignature=" + sas + ";"));
            } else if (given.get(0).equals("sasUri")) {
                reading.violation(urlField, "needs a SAS token, in the URL or in sasToken");
                return null;
            } else {
                if (kind == Kind.AZURE_STORAGE) {
                    reading.violation(
                            urlField,
                            "needs an accountKey or a SAS token: an AzureStorage linked service"
                                    + " cannot sign in with an identity (use AzureBlobStorage)");
                    return null;
                }
                if (!endpoint.getScheme().equals("https")) {
                    reading.violation(
                            urlField,
                            "must be an https URL to sign in with a service principal or a"
                                    + " managed identity: a token is only sent over HTTPS");
                    return null;
                }
                boolean servicePrincipal =
                        settings.get("servicePrincipalId").present() || "ServicePrincipal".equals(declared);
                mode = servicePrincipal ? "ServicePrincipal" : "Msi";
                account = servicePrincipal ? servicePrincipal(settings, endpoint) : managedIdentity(settings, endpoint);
            }
        }
        if (declared != null && !declared.equals(mode)) {
            reading.violation(
                    authenticationType,
                    "is '" + declared + "' but the linked service's properties are" + " those of '" + mode + "'");
            return null;
        }
        return account;
    }

    private BlobAccount.Keyed keyed(Field field, Secret connectionString) {
        Optional<String> problem = checks.blobConnectionString().apply(connectionString.reveal());
        problem.ifPresent(reason -> reading.violation(field, reason));
        return problem.isPresent() ? null : new BlobAccount.Keyed(connectionString);
    }

    private URI serviceUri(Field field, Kind kind) {
        Secret url = reading.secret(field, true);
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url.reveal().strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                reading.violation(
                        field,
                        "must be an absolute https URL of the " + (kind == Kind.DATA_LAKE ? "Data" + " Lake" : "blob")
                                + " service");
                return null;
            }
            Matcher dfs = DFS_HOST.matcher(uri.getHost());
            if (kind == Kind.DATA_LAKE && dfs.matches()) {
                return new URI(
                        uri.getScheme(),
                        uri.getRawUserInfo(),
                        dfs.group(1) + ".blob." + dfs.group(2),
                        uri.getPort(),
                        uri.getPath(),
                        uri.getQuery(),
                        null);
            }
            return uri;
        } catch (IllegalArgumentException | URISyntaxException e) {
            reading.violation(field, "is not a URL");
        }
        return null;
    }

    /** {@code servicePrincipalId}, {@code tenant} and the client secret ({@code servicePrincipalKey}, or ADF's
     * {@code servicePrincipalCredential} of type {@code ServicePrincipalKey}), in the cloud {@code azureCloudType}
     * names. */
    private BlobAccount.ServicePrincipal servicePrincipal(Field settings, URI endpoint) {
        String clientId = reading.string(settings.get("servicePrincipalId"), true);
        String tenant = reading.string(settings.get("tenant"), true);
        Field credentialType = settings.get("servicePrincipalCredentialType");
        if (credentialType.present()
                && reading.oneOf(credentialType, Set.of("ServicePrincipalKey", "ServicePrincipalCert"))
                && credentialType.node().asText().equals("ServicePrincipalCert")) {
            reading.violation(
                    credentialType,
                    "certificates come from Key Vault, which pgferry does not read yet;"
                            + " use a client secret (servicePrincipalKey)");
            return null;
        }
        List<String> keys = List.of("servicePrincipalKey", "servicePrincipalCredential").stream()
                .filter(name -> settings.get(name).present())
                .toList();
        if (keys.size() > 1) {
            reading.violation(
                    settings.get("servicePrincipalCredential"),
                    "takes the place of servicePrincipalKey; give one of them");
        }
        Secret secret = reading.secret(settings.get(keys.isEmpty() ? "servicePrincipalKey" : keys.get(0)), true);
        BlobAccount.AzureCloud cloud = BlobAccount.AzureCloud.AzurePublic;
        Field cloudType = settings.get("azureCloudType");
        if (cloudType.present()) {
            cloud = reading.oneOf(
                            cloudType,
                            Arrays.stream(BlobAccount.AzureCloud.values())
                                    .map(Enum::name)
                                    .collect(Collectors.toSet()))
                    ? BlobAccount.AzureCloud.valueOf(cloudType.node().asText())
                    : null;
        }
        return clientId == null || tenant == null || secret == null || cloud == null || keys.size() > 1
                ? null
                : new BlobAccount.ServicePrincipal(endpoint, tenant, clientId, secret, cloud);
    }

    /** The function's own identity, or the user-assigned identity of the factory credential {@code credential}. */
    private BlobAccount.ManagedIdentity managedIdentity(Field settings, URI endpoint) {
        if (!settings.get("credential").present()) {
            return new BlobAccount.ManagedIdentity(endpoint, Optional.empty());
        }
        Optional<BlobAccount.UserAssigned> identity = userAssigned(settings.get("credential"));
        return identity == null ? null : new BlobAccount.ManagedIdentity(endpoint, identity);
    }

    /** The user-assigned identity of the factory credential a {@code CredentialReference} names; null after a violation. */
    Optional<BlobAccount.UserAssigned> userAssigned(Field reference) {
        Field credential = reading.credential(reference, credentials);
        if (credential == null) {
            return null;
        }
        Field properties = credential.get("properties");
        if (!reading.oneOf(properties.get("type"), Set.of("ManagedIdentity"))) {
            return null;
        }
        Field resourceId = properties.get("typeProperties").get("resourceId");
        String id = reading.string(resourceId, true);
        if (id != null && !USER_ASSIGNED_IDENTITY.matcher(id).matches()) {
            reading.violation(
                    resourceId,
                    "must be a user-assigned identity's resource id, /subscriptions/<id>"
                            + "/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>");
            return null;
        }
        return id == null ? null : Optional.of(new BlobAccount.UserAssigned(true, id));
    }

    /** The account of a blob service URL: the host's first label on Azure, the path's first segment on an
     * emulator. */
    private static String accountName(URI uri) {
        return uri.getHost().indexOf('.') > 0 && !uri.getHost().matches("[0-9.]+")
                ? uri.getHost().substring(0, uri.getHost().indexOf('.'))
                : serviceRoot(uri).replace("/", "");
    }

    /** The blob service's root path: empty on Azure, {@code /<account>} on an emulator addressed by IP. */
    private static String serviceRoot(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (uri.getHost().matches("[0-9.]+|localhost")) {
            String[] segments = path.replaceFirst("^/", "").split("/");
            return segments[0].isEmpty() ? "" : "/" + segments[0];
        }
        return "";
    }
}
