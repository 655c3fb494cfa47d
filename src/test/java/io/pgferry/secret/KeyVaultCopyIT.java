package io.pgferry.secret;

import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.BlobAccount;
import io.pgferry.testing.ParquetReader;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Requests;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingCertificates;
import io.pgferry.testing.TestingKeyVault;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import reactor.core.publisher.Mono;

/**
 * Copies whose PostgreSQL connection string and Blob account key come from Key Vault ({@code AzureKeyVaultSecret}
 * references to an {@code AzureKeyVault} linked service), read by the real Key Vault client from
 * {@link TestingKeyVault} over HTTPS with a token the test hands out: the function's identity is the only stand-in.
 */
@QuarkusTest
class KeyVaultCopyIT {
    private static final String TOKEN = "kv-token-" + UUID.randomUUID();
    private static final AtomicInteger VAULTS = new AtomicInteger();
    private static TestingCertificates certificates;
    private static HttpClient httpClient;

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();
    private TestingKeyVault vault;

    /** The Key Vault client as the app builds it, but trusting the test vault and signed in with the test's token. */
    static final class TestIdentityKeyVaultSecrets extends KeyVaultSecrets {
        TestIdentityKeyVaultSecrets(HttpClient httpClient) {
            super(httpClient);
        }

        @Override
        public TokenCredential identity(Optional<BlobAccount.UserAssigned> userAssigned) {
            return context ->
                    Mono.just(new AccessToken(TOKEN, OffsetDateTime.now().plusHours(1)));
        }
    }

    @BeforeAll
    static void certificates() {
        certificates = TestingCertificates.create();
        httpClient = TestingKeyVault.httpClient(certificates);
    }

    @BeforeEach
    void vault() {
        vault = TestingKeyVault.start(certificates, "kvcopy" + VAULTS.incrementAndGet(), TOKEN)
                .put("pg-connection", "0123456789abcdef0123456789abcdef", postgres.odbcConnectionString())
                .put("storage-key", "0123456789abcdef0123456789abcdef", TestingAzurite.KEY)
                .put("pg-password", "0123456789abcdef0123456789abcdef", postgres.password())
                .put("hidden", "0123456789abcdef0123456789abcdef", "never-read")
                .forbid("hidden");
        QuarkusMock.installMockForType(new TestIdentityKeyVaultSecrets(httpClient), KeyVaultSecrets.class);
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    @Test
    void aCopyReadsItsConnectionStringAndAccountKeyFromKeyVaultOnceEach() throws Exception {
        String table = table();
        String container = "kv-" + suffix();
        ObjectNode payload = payload(table, container);

        post(payload).statusCode(200).body("rowsCopied", equalTo(25));

        assertThat(azurite.container(container).listBlobs().stream()
                        .map(blob -> blob.getName())
                        .toList())
                .contains("exports/orders/orders_00000.csv");
        assertThat(vault.fetches("pg-connection")).isEqualTo(1);
        assertThat(vault.fetches("storage-key")).isEqualTo(1);
        assertThat(vault.requests())
                .allSatisfy(request -> assertThat(request.path()).startsWith("/secrets/"));
        String log = Files.readString(Path.of("target/quarkus-test.log"));
        assertThat(log)
                .doesNotContain(TestingAzurite.KEY)
                .doesNotContain(postgres.password())
                .doesNotContain(TOKEN);
    }

    @Test
    void aConnectionStringWithoutItsPasswordTakesThePasswordFromKeyVault() {
        String container = "kv-" + suffix();
        ObjectNode payload = payload(table(), container);
        ObjectNode postgresService = payload.withObject("/linkedServices/0/properties/typeProperties");
        postgresService.put("connectionString", postgres.odbcConnectionString().replaceAll("(?i)Password=[^;]*;?", ""));
        postgresService.set("password", reference("pg-password"));

        post(payload).statusCode(200).body("rowsCopied", equalTo(25));
        assertThat(vault.fetches("pg-password")).isEqualTo(1);

        // Both a Password= and a password apart: which one was meant is not guessed.
        postgresService.put("connectionString", postgres.odbcConnectionString());
        post(payload)
                .statusCode(400)
                .body("details[0].pointer", equalTo("/linkedServices/0/properties/typeProperties/connectionString"));
    }

    /**
     * A pipeline as ADF Studio exports it: PostgreSQL V2 with its password in Key Vault, a Data Lake Gen2 sink with
     * its account key in Key Vault, column mappings with types, and additional columns, run unchanged.
     */
    @Test
    void anExportedDataLakePipelineWithMappingsAdditionalColumnsAndKeyVaultRunsUnchanged(@TempDir Path downloads)
            throws Exception {
        String table = "lake_orders_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text, amount numeric(10,2), paid boolean)",
                "INSERT INTO " + table
                        + " SELECT i, 'customer ' || i, i * 2.5, i % 3 = 0 FROM generate_series(1, 500) i");
        String fileSystem = "lake-" + suffix();
        ObjectNode pipeline = Payloads.load(
                "valid/exported-adls-pipeline.json",
                Map.of(
                        "TABLE",
                        table,
                        "FILE_SYSTEM",
                        fileSystem,
                        "PG_HOST",
                        postgres.host(),
                        "PG_PORT",
                        Integer.toString(postgres.port()),
                        "PG_DATABASE",
                        TestingPostgres.DATABASE,
                        "PG_USER",
                        TestingPostgres.USER,
                        "LAKE_URL",
                        azurite.client().getAccountUrl(),
                        "VAULT_URL",
                        vault.baseUrl().toString()));
        pipeline.put("runId", "lake-run-" + suffix());

        post(pipeline)
                .statusCode(200)
                .body("rowsCopied", equalTo(400))
                .body("executionDetails[0].sink.type", equalTo("AzureBlobFS"));

        List<Path> files = azurite.download(fileSystem, "raw/orders", downloads);
        assertThat(ParquetReader.types(files))
                .containsExactly(
                        Map.entry("OrderId", "BIGINT"),
                        Map.entry("Customer", "VARCHAR"),
                        Map.entry("Paid", "BOOLEAN"),
                        Map.entry("SourceSystem", "VARCHAR"),
                        Map.entry("PipelineRun", "VARCHAR"),
                        Map.entry("OrderRef", "INTEGER"));
        assertThat(ParquetReader.rows(files, "SELECT * FROM FILES WHERE \"OrderId\" = 9"))
                .containsExactly(List.of(
                        9L, "customer 9", true, "shop", pipeline.get("runId").asText(), 9));
        assertThat(vault.fetches("pg-password")).isEqualTo(1);
        assertThat(vault.fetches("storage-key")).isEqualTo(1);
    }

    @Test
    void aMissingOrForbiddenSecretIs400NamingTheReferenceAndAnUnreachableVaultIs502() {
        String table = table();
        ObjectNode missing = payload(table, "kv-" + suffix());
        missing.withObject("/linkedServices/0/properties/typeProperties/connectionString")
                .put("secretName", "no-such-secret");
        post(missing)
                .statusCode(400)
                .body("errorCode", equalTo("KeyVaultSecretNotFound"))
                .body("details[0].pointer", equalTo("/linkedServices/0/properties/typeProperties/connectionString"));

        ObjectNode forbidden = payload(table, "kv-" + suffix());
        forbidden
                .withObject("/linkedServices/1/properties/typeProperties/accountKey")
                .put("secretName", "hidden");
        String body = post(forbidden)
                .statusCode(400)
                .body("errorCode", equalTo("KeyVaultAccessDenied"))
                .body("details[0].pointer", equalTo("/linkedServices/1/properties/typeProperties/accountKey"))
                .extract()
                .asString();
        assertThat(body).doesNotContain("never-read").doesNotContain(TOKEN);

        vault.failWith(503);
        post(payload(table, "kv-" + suffix()))
                .statusCode(502)
                .body("errorCode", equalTo("KeyVaultUnreachable"))
                .body("failureType", equalTo("SystemError"));
    }

    @Test
    void aKeyVaultReferenceToALinkedServiceOfAnotherTypeIsRefusedWithItsPointer() {
        ObjectNode payload = payload(table(), "kv-" + suffix());
        payload.withObject("/linkedServices/2/properties").put("type", "AzureBlobStorage");
        post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"))
                .body("details[0].pointer", equalTo("/linkedServices/2/properties/type"));
        assertThat(vault.requests()).isEmpty();
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    private String table() {
        String table = "kv_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text)",
                "INSERT INTO " + table + " SELECT i, 'n' || i FROM generate_series(1, 25) i");
        return table;
    }

    /** The test payload with both secrets in Key Vault, as ADF's JSON references them. */
    private ObjectNode payload(String table, String container) {
        ObjectNode payload = Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of("TABLE", table, "CONTAINER", container, "PG_CONNECTION", "unused", "BLOB_CONNECTION", "unused"));
        payload.withObject("/linkedServices/0/properties/typeProperties")
                .set("connectionString", reference("pg-connection"));
        payload.withObject("/linkedServices/1/properties/typeProperties")
                .removeAll()
                .put("serviceEndpoint", azurite.client().getAccountUrl())
                .set("accountKey", reference("storage-key"));
        ObjectNode vaultService =
                payload.withArray("/linkedServices").addObject().put("name", "Vault");
        vaultService
                .putObject("properties")
                .put("type", "AzureKeyVault")
                .putObject("typeProperties")
                .put("baseUrl", vault.baseUrl().toString());
        return payload;
    }

    private static ObjectNode reference(String secretName) {
        ObjectNode reference = JsonNodeFactory.instance.objectNode();
        reference.put("type", "AzureKeyVaultSecret");
        reference.putObject("store").put("referenceName", "Vault").put("type", "LinkedServiceReference");
        reference.put("secretName", secretName);
        return reference;
    }

    private static ValidatableResponse post(ObjectNode body) {
        return Requests.postJson("/copy", body);
    }
}
