package io.pgferry.functionapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingCertificates;
import io.pgferry.testing.TestingFunctionsHost;
import io.pgferry.testing.TestingIdentityEndpoint;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;

/**
 * Blob access with the function app's managed identities, as on Azure: the assembled app runs as the Functions host
 * starts it, with the platform's {@code IDENTITY_ENDPOINT}/{@code IDENTITY_HEADER} and identity-based
 * {@code AzureWebJobsStorage__*} settings, against an Azurite that serves HTTPS and checks bearer tokens. No account
 * key reaches the app.
 */
class ManagedIdentityIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String USER_ASSIGNED = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups"
            + "/copies/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pgferry-writer";
    private static final String EXPIRED = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups"
            + "/copies/providers/Microsoft.ManagedIdentity/userAssignedIdentities/stale";
    private static final String STORAGE_CLIENT_ID = "5b0c4b5e-0d7a-4c4e-9a57-3a3f1e0c2f11";

    private static TestingAzurite azurite;
    private static TestingIdentityEndpoint identity;
    private static TestingFunctionsHost host;

    private final TestingPostgres postgres = TestingServers.postgres();

    @BeforeAll
    static void start() throws Exception {
        TestingCertificates certificates = TestingCertificates.create();
        azurite = TestingAzurite.startWithOAuth(certificates);
        identity = TestingIdentityEndpoint.start(Set.of(USER_ASSIGNED, EXPIRED, STORAGE_CLIENT_ID), Set.of(EXPIRED));
        Map<String, String> settings = new HashMap<>(identity.environment());
        settings.put("AzureWebJobsStorage__blobServiceUri", azurite.blobEndpoint());
        settings.put("AzureWebJobsStorage__credential", "managedidentity");
        settings.put("AzureWebJobsStorage__clientId", STORAGE_CLIENT_ID);
        // Azurite's certificate comes from a test authority; on Azure the storage endpoints' are publicly trusted.
        settings.put(
                "JAVA_TOOL_OPTIONS",
                "-Djavax.net.ssl.trustStore=" + certificates.trustStore()
                        + " -Djavax.net.ssl.trustStorePassword=changeit");
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            Path app = built.filter(p -> p.getFileName().toString().endsWith("-function-app") && Files.isDirectory(p))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/*-function-app: run package"));
            host = TestingFunctionsHost.start(app, settings);
        }
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable resource : new AutoCloseable[] {host, identity, azurite}) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theFunctionsOwnIdentityWritesWhenTheLinkedServiceGivesOnlyTheEndpoint() throws Exception {
        String table = table(2500);
        String container = container();

        HttpResponse<String> response =
                host.proxy("copy", "POST", payload(table, container, null).toString(), "k");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(response.body()).path("rowsCopied").asLong()).isEqualTo(2500);
        assertCopied(table, container, 2500);
        assertThat(tokenRequests()).anySatisfy(request -> {
            assertThat(request)
                    .containsEntry("header-ok", "true")
                    .containsEntry("api-version", "2019-08-01")
                    .doesNotContainKeys("client_id", "mi_res_id");
            assertThat(request.get("resource")).startsWith("https://storage.azure.com");
        });
    }

    @Test
    void aUserAssignedIdentityIsTheFactoryCredentialTheLinkedServiceNames() throws Exception {
        String table = table(700);
        String container = container();

        HttpResponse<String> response = host.proxy(
                "copy", "POST", payload(table, container, USER_ASSIGNED).toString(), "k");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertCopied(table, container, 700);
        assertThat(tokenRequests()).anySatisfy(request -> assertThat(request)
                .containsEntry("mi_res_id", USER_ASSIGNED)
                .containsEntry("header-ok", "true"));
    }

    @Test
    void anIdentityTheAppDoesNotHaveFailsTheCopyClearlyAndWritesNothing() throws Exception {
        String table = table(10);
        String container = container();
        String missing = USER_ASSIGNED.replace("pgferry-writer", "nobody");

        HttpResponse<String> response =
                host.proxy("copy", "POST", payload(table, container, missing).toString(), "k");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = MAPPER.readTree(response.body());
        assertThat(error.path("errorCode").asText()).isEqualTo("SinkAuthenticationFailed");
        assertThat(error.path("message").asText()).contains("the user-assigned identity " + missing);
        assertThat(response.body()).doesNotContain(identity.header());
        assertThat(azurite.container(container).exists()).isFalse();
        assertThat(host.log()).doesNotContain(identity.header());
    }

    @Test
    void aTokenAzuriteRefusesFailsTheCopyAsAuthenticationAndLeavesNoBlob() throws Exception {
        String table = table(10);
        String container = container();
        azurite.container(container).create();

        HttpResponse<String> response =
                host.proxy("copy", "POST", payload(table, container, EXPIRED).toString(), "k");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(response.body()).path("errorCode").asText()).isEqualTo("SinkAuthenticationFailed");
        assertThat(azurite.container(container).listBlobs()).isEmpty();
    }

    @Test
    void asynchronousRunsKeepTheirRecordsInTheFunctionsStorageThroughItsIdentity() throws Exception {
        String table = table(300);
        String container = container();
        String runId = "mi-" + UUID.randomUUID();
        ObjectNode payload = payload(table, container, null);
        payload.put("runId", runId);

        HttpResponse<String> accepted = host.proxy("runs", "POST", payload.toString(), "k");

        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        URI location = URI.create(accepted.headers().firstValue("Location").orElseThrow());
        HttpResponse<String> done = accepted;
        for (int i = 0; i < 600 && done.statusCode() == 202; i++) {
            Thread.sleep(100);
            done = host.proxy(location, "GET", null, "k");
        }
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(MAPPER.readTree(done.body()).path("rowsCopied").asLong()).isEqualTo(300);
        assertCopied(table, container, 300);
        assertThat(azurite.container("pgferry-runs")
                        .getBlobClient(runId + ".json")
                        .exists())
                .isTrue();
        assertThat(tokenRequests()).anySatisfy(request -> assertThat(request)
                .containsEntry("client_id", STORAGE_CLIENT_ID)
                .containsEntry("header-ok", "true"));
    }

    @Test
    void aServicePrincipalThatCannotSignInFailsWithoutRevealingItsKey() throws Exception {
        String table = table(10);
        String container = container();
        String key = "sp-secret-" + UUID.randomUUID();
        ObjectNode payload = payload(table, container, null);
        ObjectNode blob = (ObjectNode) payload.at("/linkedServices/1/properties/typeProperties");
        blob.put("servicePrincipalId", UUID.randomUUID().toString())
                .put("tenant", TestingIdentityEndpoint.TENANT)
                .putObject("servicePrincipalKey")
                .put("type", "SecureString")
                .put("value", key);

        HttpResponse<String> response = host.proxy("copy", "POST", payload.toString(), "k");

        // Entra ID is out of reach here, so sign-in cannot happen: a platform failure (502, retryable), said as such.
        assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        JsonNode error = MAPPER.readTree(response.body());
        assertThat(error.path("errorCode").asText()).isEqualTo("SinkUnreachable");
        assertThat(error.path("message").asText()).contains("sign-in service").contains(container);
        assertThat(response.body()).doesNotContain(key);
        assertThat(host.log()).doesNotContain(key);
        assertThat(azurite.container(container).exists()).isFalse();
    }

    private List<Map<String, String>> tokenRequests() {
        return identity.requests();
    }

    private void assertCopied(String table, String container, int rows) throws Exception {
        Path downloads = Files.createTempDirectory("pgferry-mi-");
        List<Path> files = azurite.download(container, "exports/orders/", downloads);
        assertThat(files).hasSize((rows + 999) / 1000);
        List<List<String>> expected = new ArrayList<>();
        for (int i = 1; i <= rows; i++) {
            expected.add(List.of(Integer.toString(i), "row " + i));
        }
        assertThat(CsvReader.read(files, "header=true, delim=','", "id")).isEqualTo(expected);
    }

    private String table(int rows) {
        String table = "mi_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'row ' || i AS name"
                + " FROM generate_series(1, " + rows + ") i");
        return table;
    }

    private static String container() {
        return "mi-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The CSV copy payload with a blob linked service that has only a service endpoint (and a credential). */
    private ObjectNode payload(String table, String container, String userAssigned) {
        ObjectNode payload = Payloads.tableToCsv(table, container, postgres, "unused");
        ObjectNode blob = ((ObjectNode) payload.at("/linkedServices/1/properties")).putObject("typeProperties");
        blob.put("serviceEndpoint", azurite.blobEndpoint());
        if (userAssigned != null) {
            blob.putObject("credential").put("referenceName", "writer").put("type", "CredentialReference");
            ObjectNode credential = payload.putArray("credentials").addObject();
            credential.put("name", "writer");
            credential
                    .putObject("properties")
                    .put("type", "ManagedIdentity")
                    .putObject("typeProperties")
                    .put("resourceId", userAssigned);
        }
        return payload;
    }
}
