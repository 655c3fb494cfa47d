package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Requests;
import io.pgferry.testing.Tables;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * DelimitedText's remaining options and the sink's: quoteAllText, legacy encodings, blob metadata, size split, and
 * the blob account reached by SAS or service endpoint and key.
 */
@QuarkusTest
class SinkOptionsIT {
    private static final List<String> COLUMNS = List.of("id", "name", "note");

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void quoteAllTextQuotesEveryValueButNull() throws Exception {
        String table = table(50);
        String container = container();
        ObjectNode payload = payload(table, container);
        formatSettings(payload).put("quoteAllText", true).remove("maxRowsPerFile");

        post(payload).statusCode(200);

        Path file = azurite.download(container, "", downloads).get(0);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(1)).isEqualTo("\"1\",\"café 1\",");
        assertThat(lines.get(3)).isEqualTo("\"3\",\"\",\"n3\"");
        assertThat(CsvReader.read(List.of(file), BaseCopyFunction.DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, COLUMNS, "id"));
    }

    @Test
    void aLegacyEncodingIsWrittenByPostgresqlAndAnUnmappableCharacterIsRefused() throws Exception {
        String table = table(20);
        String container = container();
        ObjectNode payload = payloadWithEncoding(table, container);

        post(payload).statusCode(200);

        byte[] bytes =
                Files.readAllBytes(azurite.download(container, "", downloads).get(0));
        String text = new String(bytes, Charset.forName("windows-1252"));
        assertThat(text).contains("café 1");
        assertThat(bytes).contains((byte) 0xE9).doesNotContain((byte) 0xC3);

        postgres.execute("INSERT INTO " + table + " VALUES (999, 'tick ✓', NULL)");
        String refused = container();
        post(payloadWithEncoding(table, refused))
                .statusCode(400)
                .body("failureType", equalTo("UserError"))
                .body("message", containsString("WIN1252"));
        assertThat(azurite.container(refused).exists()
                        && azurite.container(refused).listBlobs().iterator().hasNext())
                .isFalse();
        ObjectNode utf32 = payload(table, container());
        utf32.withObject("/datasets/1/properties/typeProperties").put("encodingName", "UTF-32");
        post(utf32)
                .statusCode(400)
                .body("details[0].pointer", equalTo("/datasets/1/properties/typeProperties/encodingName"));
    }

    @Test
    void utf16IsWrittenWithItsByteOrderMarkAndReadsAsTheUtf8Copy() throws Exception {
        String table = table(40);
        postgres.execute("INSERT INTO " + table + " VALUES (100, 'tick ✓ 😀', '')");
        String utf8 = container();
        ObjectNode plain = payload(table, utf8);
        formatSettings(plain).remove("maxRowsPerFile");
        post(plain).statusCode(200);
        String expected = Files.readString(azurite.download(utf8, "", downloads).get(0), StandardCharsets.UTF_8);

        for (String encoding : List.of("UTF-16", "UTF-16BE")) {
            String container = container();
            ObjectNode payload = payload(table, container);
            payload.withObject("/datasets/1/properties/typeProperties").put("encodingName", encoding);
            formatSettings(payload).remove("maxRowsPerFile");
            post(payload).statusCode(200);
            byte[] bytes = Files.readAllBytes(
                    azurite.download(container, "", downloads).get(0));
            boolean little = encoding.equals("UTF-16");
            assertThat(bytes)
                    .startsWith(little ? new byte[] {(byte) 0xFF, (byte) 0xFE} : new byte[] {(byte) 0xFE, (byte) 0xFF});
            assertThat(new String(
                            bytes, 2, bytes.length - 2, little ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE))
                    .as(encoding)
                    .isEqualTo(expected);
        }
    }

    @Test
    void blobMetadataFromStoreSettingsIsSetOnEveryBlob() throws Exception {
        String table = table(30);
        String container = container();
        ObjectNode payload = payload(table, container);
        payload.withObject("/activity/typeProperties/sink/storeSettings")
                .putArray("metadata")
                .add(payload.objectNode().put("name", "source_system").put("value", "shop"))
                .add(payload.objectNode().put("name", "owner").put("value", "data-team"));
        formatSettings(payload).put("maxRowsPerFile", 10);

        String runId = post(payload).statusCode(200).extract().path("runId");

        azurite.container(container).listBlobs().forEach(blob -> assertThat(azurite.container(container)
                        .getBlobClient(blob.getName())
                        .getProperties()
                        .getMetadata())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("source_system", "shop", "owner", "data-team", "pgferry_run_id", runId)));

        payload.withObject("/activity/typeProperties/sink/storeSettings")
                .putArray("metadata")
                .add(payload.objectNode().put("name", "bad name").put("value", "$$FILEPATH"));
        post(payload)
                .statusCode(400)
                .body("details[0].pointer", equalTo("/activity/typeProperties/sink/storeSettings/metadata/0/name"));
    }

    @Test
    void maxBytesPerFileSplitsAtTheFirstRowPastTheSize() throws Exception {
        String table = table(6000);
        String container = container();
        ObjectNode payload = payload(table, container);
        formatSettings(payload).remove("maxRowsPerFile");
        formatSettings(payload).put("maxBytesPerFile", 20_000);

        ValidatableResponse response = post(payload).statusCode(200);

        List<Path> files = azurite.download(container, "", downloads);
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path file : files.subList(0, files.size() - 1)) {
            long size = Files.size(file);
            assertThat(size).isBetween(20_000L, 20_100L);
            assertThat(Files.readString(file)).startsWith("id,name,note\r\n");
        }
        response.body("filesWritten", equalTo(files.size()));
        assertThat(CsvReader.read(files, BaseCopyFunction.DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, COLUMNS, "id"));
    }

    @Test
    void theBlobAccountIsReachedBySasUriServiceEndpointAndKeyOrContainerSasWithoutLeakingThem() throws Exception {
        String table = table(25);
        OffsetDateTime expiry = OffsetDateTime.now().plusHours(1);
        String accountSas = azurite.client()
                .generateAccountSas(new AccountSasSignatureValues(
                        expiry,
                        AccountSasPermission.parse("rwdlac"),
                        new AccountSasService().setBlobAccess(true),
                        new AccountSasResourceType()
                                .setService(true)
                                .setContainer(true)
                                .setObject(true)));
        String accountUrl = azurite.client().getAccountUrl();

        String viaAccountSas = container();
        ObjectNode payload = payload(table, viaAccountSas);
        blobLinkedService(payload)
                .removeAll()
                .putObject("sasUri")
                .put("type", "SecureString")
                .put("value", accountUrl + "?" + accountSas);
        post(payload).statusCode(200).body("rowsCopied", equalTo(25));
        assertThat(azurite.download(viaAccountSas, "", downloads)).hasSize(1);

        String viaKey = container();
        payload = payload(table, viaKey);
        blobLinkedService(payload)
                .removeAll()
                .put("serviceEndpoint", accountUrl)
                .putObject("accountKey")
                .put("type", "SecureString")
                .put("value", TestingAzurite.KEY);
        post(payload).statusCode(200);

        String viaContainerSas = container();
        azurite.container(viaContainerSas).create();
        String containerSas = azurite.container(viaContainerSas)
                .generateSas(new BlobServiceSasSignatureValues(expiry, BlobContainerSasPermission.parse("racwl")));
        payload = payload(table, viaContainerSas);
        blobLinkedService(payload)
                .removeAll()
                .put("sasUri", azurite.container(viaContainerSas).getBlobContainerUrl())
                .putObject("sasToken")
                .put("type", "SecureString")
                .put("value", containerSas);
        post(payload).statusCode(200);
        // A container SAS without delete permission: the manifest is written all the same.
        assertThat(azurite.container(viaContainerSas).listBlobs().stream()
                        .map(blob -> blob.getName())
                        .toList())
                .containsExactly("exports/orders/_manifest.json", "exports/orders/orders_00000.csv");

        String forged = containerSas.replaceFirst("sig=[^&]+", "sig=AAAA" + "A".repeat(40) + "%3D");
        payload = payload(table, viaContainerSas);
        blobLinkedService(payload)
                .removeAll()
                .put("sasUri", azurite.container(viaContainerSas).getBlobContainerUrl() + "?" + forged);
        String body = post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("SinkAuthenticationFailed"))
                .extract()
                .asString();
        String signature = accountSas.replaceFirst(".*sig=([^&]+).*", "$1");
        assertThat(body).doesNotContain(forged).doesNotContain("sig=");
        assertThat(Files.readString(Path.of("target/quarkus-test.log")))
                .doesNotContain(signature)
                .doesNotContain(forged.replaceFirst(".*sig=([^&]+).*", "$1"));
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    private ObjectNode payloadWithEncoding(String table, String container) {
        ObjectNode payload = payload(table, container);
        payload.withObject("/datasets/1/properties/typeProperties").put("encodingName", "windows-1252");
        formatSettings(payload).remove("maxRowsPerFile");
        return payload;
    }

    private String table(int rows) {
        String table = "opts_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text, note text)",
                "INSERT INTO " + table + " SELECT i, CASE WHEN i = 3 THEN '' ELSE 'café ' || i END,"
                        + " CASE WHEN i % 2 = 1 AND i <> 3 THEN NULL ELSE 'n' || i END FROM generate_series(1, "
                        + rows + ") i");
        return table;
    }

    private ObjectNode payload(String table, String container) {
        return Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
    }

    private static ObjectNode blobLinkedService(ObjectNode payload) {
        return payload.withObject("/linkedServices/1/properties/typeProperties");
    }

    private static ObjectNode formatSettings(ObjectNode payload) {
        return payload.withObject("/activity/typeProperties/sink/formatSettings");
    }

    private static ValidatableResponse post(ObjectNode body) {
        return Requests.postJson("/copy", body);
    }

    private static String container() {
        return "o-" + suffix();
    }
}
