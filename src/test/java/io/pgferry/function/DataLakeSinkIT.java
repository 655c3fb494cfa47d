package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.JsonReader;
import io.pgferry.testing.ParquetReader;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Requests;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * An {@code AzureBlobFS} (Data Lake Storage Gen2) sink as ADF exports it, written through Azurite's Blob endpoint
 * (Azurite has no DFS endpoint; a hierarchical-namespace account takes the Blob API the same way) and read back by
 * DuckDB and Jackson.
 */
@QuarkusTest
class DataLakeSinkIT {
    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void aFileSystemIsWrittenWithAnAccountKeyInParquet() throws Exception {
        String table = table(2_000);
        String fileSystem = fileSystem();
        ObjectNode payload = BaseCopyFunction.parquet(dataLake(payload(table), fileSystem), "snappy");
        payload.withObject("/linkedServices/1/properties/typeProperties")
                .put("url", azurite.client().getAccountUrl())
                .putObject("accountKey")
                .put("type", "SecureString")
                .put("value", TestingAzurite.KEY);

        post(payload)
                .statusCode(200)
                .body("rowsCopied", equalTo(2_000))
                .body("executionDetails[0].sink.type", equalTo("AzureBlobFS"));

        List<Path> files = azurite.download(fileSystem, "lake/orders", downloads);
        assertThat(ParquetReader.rows(files, "SELECT count(*), sum(id)::bigint FROM FILES"))
                .containsExactly(List.of(2_000L, 2_001_000L));
        assertThat(azurite.container(fileSystem).listBlobs().stream()
                        .map(blob -> blob.getName())
                        .toList())
                .contains("lake/orders/_manifest.json");
    }

    @Test
    void aFileSystemIsWrittenWithASasUriAndToken() throws Exception {
        String table = table(300);
        String fileSystem = fileSystem();
        ObjectNode payload = BaseCopyFunction.json(dataLake(payload(table), fileSystem), "setOfObjects");
        String sas = azurite.client()
                .generateAccountSas(new AccountSasSignatureValues(
                        OffsetDateTime.now().plusHours(1),
                        AccountSasPermission.parse("rwdlac"),
                        new AccountSasService().setBlobAccess(true),
                        new AccountSasResourceType()
                                .setService(true)
                                .setContainer(true)
                                .setObject(true)));
        ObjectNode lake = payload.withObject("/linkedServices/1/properties/typeProperties");
        lake.put("sasUri", azurite.client().getAccountUrl());
        lake.putObject("sasToken").put("type", "SecureString").put("value", sas);

        post(payload).statusCode(200).body("executionDetails[0].sink.type", equalTo("AzureBlobFS"));

        assertThat(JsonReader.count(azurite.download(fileSystem, "lake/orders", downloads), "newline_delimited"))
                .isEqualTo(300);
    }

    @Test
    void blobStorageNamesInADataLakeDatasetAreRefusedWithTheirPointers() {
        ObjectNode payload = dataLake(payload(table(1)), fileSystem());
        payload.withObject("/linkedServices/1/properties/typeProperties")
                .put("url", azurite.client().getAccountUrl());
        payload.withObject("/datasets/1/properties/typeProperties/location")
                .put("type", "AzureBlobStorageLocation")
                .put("container", "x")
                .remove("fileSystem");

        List<String> pointers =
                post(payload).statusCode(400).extract().jsonPath().getList("details.pointer");
        // An http URL and no credential would send the function's token in the clear.
        assertThat(pointers)
                .containsExactlyInAnyOrder(
                        "/datasets/1/properties/typeProperties/location/type",
                        "/datasets/1/properties/typeProperties/location/fileSystem",
                        "/datasets/1/properties/typeProperties/location/container",
                        "/linkedServices/1/properties/typeProperties/url");
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    /** The payload's sink as ADF exports a Data Lake one: linked service, location and write settings. */
    private static ObjectNode dataLake(ObjectNode payload, String fileSystem) {
        ObjectNode linkedService = payload.withObject("/linkedServices/1/properties");
        linkedService.put("type", "AzureBlobFS");
        linkedService.withObject("/typeProperties").removeAll();
        payload.withObject("/datasets/1/properties/typeProperties/location")
                .removeAll()
                .put("type", "AzureBlobFSLocation")
                .put("fileSystem", fileSystem)
                .put("folderPath", "lake/orders");
        payload.withObject("/activity/typeProperties/sink/storeSettings")
                .put("type", "AzureBlobFSWriteSettings")
                .put("copyBehavior", "FlattenHierarchy");
        return payload;
    }

    private String table(int rows) {
        String table = "lake_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text)",
                "INSERT INTO " + table + " SELECT i, 'n' || i FROM generate_series(1, " + rows + ") i");
        return table;
    }

    private ObjectNode payload(String table) {
        return Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        table,
                        "CONTAINER",
                        "unused",
                        "PG_CONNECTION",
                        postgres.odbcConnectionString(),
                        "BLOB_CONNECTION",
                        azurite.connectionString()));
    }

    private static ValidatableResponse post(ObjectNode body) {
        return Requests.postJson("/copy", body);
    }

    private static String fileSystem() {
        return "fs-" + suffix();
    }
}
