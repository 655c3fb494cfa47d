package io.pgferry.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.BlobAccount;
import io.pgferry.contract.Compression;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.DelimitedTextFormat;
import io.pgferry.contract.Destination;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.Secret;
import io.pgferry.contract.SslMode;
import io.pgferry.error.CopyException;
import io.pgferry.error.Violation;
import io.pgferry.sink.blob.BlobContainers;
import io.pgferry.sink.file.FileServerSink;
import io.pgferry.testing.Payloads;

class PayloadReaderTest {
    private static final SinkChecks CHECKS = new SinkChecks(
            BlobContainers::connectionStringProblem,
            host -> FileServerSink.rootProblem(host, Optional.of(List.of(Path.of("/srv/exports")))));
    private static final String BLOB = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    @Test
    void resolvesReferencesAndAppliesAdfDefaults() {
        CopyJob job = read(valid("Server=db;Database=shop;UID=ana;Password=@pw;EM=1;VSC=1"));

        assertThat(job.activityName()).isEqualTo("CopyOrders");
        assertThat(job.source().connection().describe()).isEqualTo("db:5432/shop");
        assertThat(job.source().connection().password().reveal()).isEqualTo("@pw");
        assertThat(job.source().connection().sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(job.source().selectSql()).isEqualTo("SELECT * FROM \"Sales\".\"Orders\"");
        assertThat(job.sink().location().folderPath()).isEqualTo("exports/orders");
        assertThat(job.sink().format())
                .isEqualTo(new DelimitedTextFormat(',', "\r\n", '"', '\\', true, "", false, "UTF8"));
        assertThat(job.sink().compression()).isEqualTo(Compression.NONE);
        assertThat(job.sink().naming().fileNamePrefix()).isEqualTo("orders");
        assertThat(job.sink().naming().maxRowsPerFile()).isEqualTo(OptionalLong.of(1000));
        assertThat(job.sink().blocks().blockSizeBytes()).isEqualTo(SinkReader.DEFAULT_BLOCK_SIZE_MB << 20);
        assertThat(job.toString()).doesNotContain("@pw").doesNotContain("a2V5");
    }

    @Test
    void takesTheOlderSeparateFieldPayloadAndAQuotedPort() {
        ObjectNode payload = valid("unused");
        ObjectNode settings = payload.withObject("/linkedServices/0/properties/typeProperties");
        settings.removeAll();
        settings.put("server", "db").put("port", "6543").put("database", "shop").put("username", "ana");
        settings.putObject("password").put("type", "SecureString").put("value", "pw");

        assertThat(read(payload).source().connection().describe()).isEqualTo("db:6543/shop");
    }

    @Test
    void aDatasetFileNameWithoutChunkingNamesTheOneBlob() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        payload.withObject("/datasets/1/properties/typeProperties/location").put("fileName", "all.txt");
        payload.withObject("/activity/typeProperties/sink/formatSettings")
                .remove(List.of("maxRowsPerFile", "fileNamePrefix", "fileExtension"));

        CopyJob job = read(payload);
        assertThat(job.sink().location().fileName()).isEqualTo(Optional.of("all.txt"));
        assertThat(job.sink().naming().fileExtension()).isEqualTo(".txt");
        assertThat(job.sink().naming().maxRowsPerFile()).isEmpty();
    }

    @Test
    void readsAPostgreSqlV2LinkedServiceAndDatasetWithTheirTimeouts() {
        ObjectNode payload = valid("unused");
        ObjectNode linkedService = payload.withObject("/linkedServices/0/properties");
        linkedService.put("type", "PostgreSqlV2");
        ObjectNode settings = linkedService.putObject("typeProperties");
        settings.put("server", "db.example.com:6543")
                .put("database", "shop")
                .put("username", "ana")
                .put("sslmode", 5)
                .put("schema", "Sales")
                .put("connectionTimeout", 20)
                .put("commandTimeout", 60)
                .put("timezone", "Europe/Paris")
                .put("authenticationType", "Basic");
        settings.putObject("password").put("type", "SecureString").put("value", "pw");
        ObjectNode dataset = payload.withObject("/datasets/0/properties");
        dataset.put("type", "PostgreSqlV2Table");
        dataset.putObject("typeProperties").put("schema", "Sales").put("table", "Order Lines");
        payload.withObject("/activity/typeProperties/source").put("type", "PostgreSqlV2Source");

        CopyJob job = read(payload);
        assertThat(job.source().connection())
                .isEqualTo(new io.pgferry.contract.PostgresConnection(
                        "db.example.com",
                        6543,
                        "shop",
                        "ana",
                        new io.pgferry.contract.Secret("pw"),
                        SslMode.VERIFY_FULL,
                        Optional.of("Sales"),
                        20));
        assertThat(job.source().selectSql()).isEqualTo("SELECT * FROM \"Sales\".\"Order Lines\"");
        assertThat(job.source().statementTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(job.source().timeZone()).isEqualTo("Europe/Paris");

        payload.withObject("/activity/typeProperties/source").put("queryTimeout", "1.01:30:00");
        assertThat(read(payload).source().statementTimeout())
                .isEqualTo(Duration.ofHours(25).plusMinutes(30));
    }

    @Test
    void aPlainRelationalCopyGetsAdfsTwoHourTimeoutAndUtc() {
        CopyJob job = read(valid("Server=db;Database=shop;UID=ana;Password=pw"));
        assertThat(job.source().statementTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(job.source().timeZone()).isEqualTo("UTC");
    }

    @Test
    void badV2SettingsAreNamed() {
        ObjectNode payload = valid("unused");
        ObjectNode linkedService = payload.withObject("/linkedServices/0/properties");
        linkedService.put("type", "PostgreSqlV2");
        linkedService
                .putObject("typeProperties")
                .put("server", "db")
                .put("database", "shop")
                .put("username", "a")
                .put("password", "pw")
                .put("authenticationType", "AAD")
                .put("sslMode", 7);
        payload.withObject("/activity/typeProperties/source")
                .put("type", "PostgreSqlV2Source")
                .put("queryTimeout", "2h")
                .put("partitionOption", "Hash");

        CopyException failure = catchThrowableOfType(CopyException.class, () -> read(payload));
        assertThat(failure.error().details())
                .extracting(Violation::pointer)
                .containsExactly(
                        "/activity/typeProperties/source/queryTimeout",
                        "/activity/typeProperties/source/partitionOption",
                        "/linkedServices/0/properties/typeProperties/authenticationType",
                        "/linkedServices/0/properties/typeProperties/sslMode");
    }

    @Test
    void anUnbracedPasswordHoldingASemicolonIsNeverEchoed() {
        CopyException failure = catchThrowableOfType(
                CopyException.class,
                () -> read(valid("Server=db;Database=shop;UID=ana;Password=top;Secret=1;Colour=x")));

        assertThat(failure.error().details())
                .extracting(Violation::reason)
                .anySatisfy(reason -> assertThat(reason).contains("Password={...}"))
                .anySatisfy(reason -> assertThat(reason).contains("'colour'"))
                .allSatisfy(reason -> assertThat(reason).doesNotContainIgnoringCase("secret"));
    }

    @Test
    void aJsonDatasetWithGzipNamesChunksDotJsonDotGz() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        ObjectNode dataset = payload.withObject("/datasets/1/properties");
        dataset.put("type", "Json");
        dataset.withObject("/typeProperties").retain("location");
        dataset.withObject("/typeProperties")
                .putObject("compression")
                .put("type", "GZip")
                .put("level", "Fastest");
        payload.withObject("/activity/typeProperties/sink")
                .put("type", "JsonSink")
                .putObject("formatSettings")
                .put("type", "JsonWriteSettings")
                .put("filePattern", "arrayOfObjects");

        CopyJob job = read(payload);
        assertThat(job.sink().format()).isEqualTo(new JsonFormat(true));
        assertThat(job.sink().compression()).isEqualTo(new Compression(Compression.Codec.GZIP, 1));
        assertThat(job.sink().naming().fileExtension()).isEqualTo(".json.gz");
    }

    @Test
    void aSinkOfTheWrongKindForItsDatasetIsNamed() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        payload.withObject("/activity/typeProperties/sink").put("type", "JsonSink");

        CopyException failure = catchThrowableOfType(CopyException.class, () -> read(payload));
        assertThat(failure.error().details())
                .extracting(Violation::pointer)
                .containsExactly("/activity/typeProperties/sink/type");
        assertThat(failure.error().details().get(0).reason()).contains("DelimitedTextSink");
    }

    /** Each case breaks a valid payload in one way and names the pointers the answer must list. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no-activity.json|/activity",
                "bad-references.json|/linkedServices/2/name /activity/inputs/0/referenceName",
                "wrong-types.json|/activity/type /activity/typeProperties/source/type /linkedServices/0/properties/type",
                "bad-csv-settings.json|/datasets/1/properties/typeProperties/location/container"
                        + " /datasets/1/properties/typeProperties/columnDelimiter"
                        + " /datasets/1/properties/typeProperties/rowDelimiter"
                        + " /datasets/1/properties/typeProperties/compressionCodec"
                        + " /activity/typeProperties/sink/formatSettings/fileExtension",
                "bad-connection-string.json|/linkedServices/0/properties/typeProperties/connectionString"
                        + " /linkedServices/0/properties/typeProperties/connectionString"
                        + " /linkedServices/1/properties/typeProperties/connectionString",
                "unsupported-features.json|/activity/typeProperties/enableStaging"
                        + " /activity/typeProperties/sink/storeSettings/blockSizeInMB"
                        + " /activity/typeProperties/translator/mappings/0/source/path"
            })
    void reportsEveryViolationByPointer(String file, String pointers) {
        ObjectNode payload = Payloads.load("invalid/" + file, Map.of("BLOB_CONNECTION", BLOB));

        CopyException failure = catchThrowableOfType(CopyException.class, () -> read(payload));

        assertThat(failure.httpStatus()).isEqualTo(400);
        assertThat(failure.error().details()).extracting(Violation::pointer).containsExactly(pointers.split(" "));
    }

    @Test
    void aBlobConnectionStringWithAnUnusableAccountNameIsAViolationNotACrash() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        payload.withObject("/linkedServices/1/properties/typeProperties")
                .put(
                        "connectionString",
                        "DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=a2V5;EndpointSuffix=core.windows.net");

        CopyException failure = catchThrowableOfType(CopyException.class, () -> read(payload));

        assertThat(failure.error().details())
                .extracting(Violation::pointer)
                .containsExactly("/linkedServices/1/properties/typeProperties/connectionString");
        assertThat(failure.error().message()).doesNotContain("a2V5");
    }

    @Test
    void aServiceEndpointAloneIsTheFunctionsOwnIdentityAndACredentialPicksAUserAssignedOne() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        ObjectNode blob = payload.withObject("/linkedServices/1/properties/typeProperties");
        blob.removeAll()
                .put("serviceEndpoint", "https://acme.blob.core.windows.net/")
                .put("authenticationType", "Msi");
        assertThat(((Destination.BlobStorage) read(payload).sink().destination()).account())
                .isEqualTo(new BlobAccount.ManagedIdentity(
                        URI.create("https://acme.blob.core.windows.net"), Optional.empty()));

        String resourceId = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity"
                + "/userAssignedIdentities/writer";
        blob.putObject("credential").put("referenceName", "writer").put("type", "CredentialReference");
        payload.putArray("credentials")
                .addObject()
                .put("name", "writer")
                .putObject("properties")
                .put("type", "ManagedIdentity")
                .putObject("typeProperties")
                .put("resourceId", resourceId);
        assertThat(((Destination.BlobStorage) read(payload).sink().destination()).account())
                .isEqualTo(new BlobAccount.ManagedIdentity(
                        URI.create("https://acme.blob.core.windows.net"),
                        Optional.of(new BlobAccount.UserAssigned(true, resourceId))));
    }

    @Test
    void aServicePrincipalTakesEitherKeyFormAndItsCloud() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        ObjectNode blob = payload.withObject("/linkedServices/1/properties/typeProperties");
        blob.removeAll()
                .put("serviceEndpoint", "https://acme.blob.core.chinacloudapi.cn")
                .put("tenant", "t")
                .put("servicePrincipalId", "app")
                .put("azureCloudType", "AzureChina")
                .put("servicePrincipalCredentialType", "ServicePrincipalKey")
                .putObject("servicePrincipalCredential")
                .put("type", "SecureString")
                .put("value", "s3cret");

        CopyJob job = read(payload);

        assertThat(((Destination.BlobStorage) job.sink().destination()).account())
                .isEqualTo(new BlobAccount.ServicePrincipal(
                        URI.create("https://acme.blob.core.chinacloudapi.cn"),
                        "t",
                        "app",
                        new Secret("s3cret"),
                        BlobAccount.AzureCloud.AzureChina));
        assertThat(job.toString()).doesNotContain("s3cret");
    }

    @Test
    void identityFormsThatCannotWorkAreNamed() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        ObjectNode blob = payload.withObject("/linkedServices/1/properties/typeProperties");
        blob.removeAll().put("serviceEndpoint", "http://acme.blob.core.windows.net");
        assertThat(violations(payload)).containsExactly("/linkedServices/1/properties/typeProperties/serviceEndpoint");

        blob.put("serviceEndpoint", "https://acme.blob.core.windows.net")
                .put("servicePrincipalId", "app")
                .put("servicePrincipalCredentialType", "ServicePrincipalCert");
        assertThat(violations(payload))
                .containsExactly(
                        "/linkedServices/1/properties/typeProperties/tenant",
                        "/linkedServices/1/properties/typeProperties/servicePrincipalCredentialType");

        blob.removeAll()
                .put("serviceEndpoint", "https://acme.blob.core.windows.net")
                .put("authenticationType", "AccountKey");
        assertThat(violations(payload))
                .containsExactly("/linkedServices/1/properties/typeProperties/authenticationType");

        blob.removeAll()
                .put("serviceEndpoint", "https://acme.blob.core.windows.net")
                .putObject("credential")
                .put("referenceName", "missing")
                .put("type", "CredentialReference");
        assertThat(violations(payload))
                .containsExactly("/linkedServices/1/properties/typeProperties/credential/referenceName");

        payload.putArray("credentials")
                .addObject()
                .put("name", "missing")
                .putObject("properties")
                .put("type", "ManagedIdentity")
                .putObject("typeProperties")
                .put("resourceId", "writer");
        assertThat(violations(payload)).containsExactly("/credentials/0/properties/typeProperties/resourceId");

        // The legacy AzureStorage linked service takes keys and SAS only.
        blob.removeAll().put("serviceEndpoint", "https://acme.blob.core.windows.net");
        payload.withObject("/linkedServices/1/properties").put("type", "AzureStorage");
        assertThat(violations(payload)).containsExactly("/linkedServices/1/properties/typeProperties/serviceEndpoint");
    }

    @Test
    void aDataLakeAccountIsWrittenThroughItsBlobEndpoint() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        payload.withObject("/linkedServices/1/properties").put("type", "AzureBlobFS");
        ObjectNode lake = payload.withObject("/linkedServices/1/properties/typeProperties");
        lake.removeAll().put("url", "https://lake.dfs.core.windows.net");
        ObjectNode location = payload.withObject("/datasets/1/properties/typeProperties/location");
        location.removeAll()
                .put("type", "AzureBlobFSLocation")
                .put("fileSystem", "raw")
                .put("folderPath", "pg");
        payload.withObject("/activity/typeProperties/sink/storeSettings")
                .put("type", "AzureBlobFSWriteSettings")
                .put("copyBehavior", "PreserveHierarchy");

        Destination.BlobStorage destination =
                (Destination.BlobStorage) read(payload).sink().destination();
        assertThat(destination.type()).isEqualTo("AzureBlobFS");
        assertThat(destination.container()).isEqualTo("raw");
        assertThat(destination.account())
                .isEqualTo(new BlobAccount.ManagedIdentity(
                        URI.create("https://lake.blob.core.windows.net"), Optional.empty()));

        // A sovereign cloud's suffix is kept; an emulator's path-style URL is taken as given.
        lake.removeAll()
                .put("url", "https://lake.dfs.core.usgovcloudapi.net/")
                .put("servicePrincipalId", "app")
                .put("tenant", "t")
                .put("azureCloudType", "AzureUsGovernment")
                .putObject("servicePrincipalKey")
                .put("type", "SecureString")
                .put("value", "s3cret");
        assertThat(((BlobAccount.ServicePrincipal)
                                ((Destination.BlobStorage) read(payload).sink().destination()).account())
                        .serviceEndpoint())
                .isEqualTo(URI.create("https://lake.blob.core.usgovcloudapi.net"));
        lake.removeAll()
                .put("url", "http://127.0.0.1:10000/devstoreaccount1")
                .putObject("accountKey")
                .put("type", "SecureString")
                .put("value", "a2V5");
        assertThat(((BlobAccount.Keyed)
                                ((Destination.BlobStorage) read(payload).sink().destination()).account())
                        .connectionString()
                        .reveal())
                .contains("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;");

        // Blob Storage's names are not a Data Lake's: each is refused with its pointer.
        location.put("type", "AzureBlobStorageLocation").remove("fileSystem");
        location.put("container", "raw");
        payload.withObject("/activity/typeProperties/sink/storeSettings").put("copyBehavior", "Append");
        assertThat(violations(payload))
                .containsExactly(
                        "/datasets/1/properties/typeProperties/location/type",
                        "/activity/typeProperties/sink/storeSettings/copyBehavior",
                        "/datasets/1/properties/typeProperties/location/fileSystem",
                        "/datasets/1/properties/typeProperties/location/container");
    }

    @Test
    void whatBelongsToAnotherFormatOrIsReadByNoOneIsRefusedNotIgnored() {
        ObjectNode payload = valid("Server=db;Database=shop;UID=ana;Password=pw");
        // A DelimitedText dataset turned Parquet keeps its CSV settings: ADF would ignore them, pgferry says so.
        payload.withObject("/datasets/1/properties").put("type", "Parquet");
        payload.withObject("/activity/typeProperties/sink").put("type", "ParquetSink");
        payload.withObject("/activity/typeProperties/sink/formatSettings")
                .put("type", "ParquetWriteSettings")
                .remove("fileExtension");
        payload.withObject("/activity/typeProperties").put("enableSkipIncompatibleRow", true);
        payload.withObject("/activity/typeProperties/source").put("sourceRetryCount", 3);
        payload.withObject("/linkedServices/0/properties/typeProperties").put("connectVia", "ir");
        // A name that says CSV on a file of Parquet bytes.
        payload.withObject("/datasets/1/properties/typeProperties/location").put("fileName", "orders.csv");

        assertThat(violations(payload))
                .containsExactlyInAnyOrder(
                        "/datasets/1/properties/typeProperties/location/fileName",
                        "/datasets/1/properties/typeProperties/columnDelimiter",
                        "/datasets/1/properties/typeProperties/quoteChar",
                        "/datasets/1/properties/typeProperties/escapeChar",
                        "/datasets/1/properties/typeProperties/firstRowAsHeader",
                        "/activity/typeProperties/enableSkipIncompatibleRow",
                        "/activity/typeProperties/source/sourceRetryCount",
                        "/linkedServices/0/properties/typeProperties/connectVia");
    }

    private static List<String> violations(ObjectNode payload) {
        return catchThrowableOfType(CopyException.class, () -> read(payload)).error().details().stream()
                .map(Violation::pointer)
                .toList();
    }

    @Test
    void aBodyThatIsNotAnObjectIsOneViolationAtTheRoot() throws Exception {
        CopyException failure = catchThrowableOfType(CopyException.class, () -> read((ObjectNode) null));
        assertThat(failure.error().details()).extracting(Violation::pointer).containsExactly("");
        assertThat(catchThrowableOfType(CopyException.class, () -> new PayloadReader(CHECKS)
                                .read(new ObjectMapper().readTree("[]")))
                        .error()
                        .details())
                .hasSize(1);
    }

    private static ObjectNode valid(String postgresConnectionString) {
        return Payloads.load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        "Sales.Orders",
                        "CONTAINER",
                        "exports",
                        "PG_CONNECTION",
                        postgresConnectionString,
                        "BLOB_CONNECTION",
                        BLOB));
    }

    private static CopyJob read(ObjectNode payload) {
        return new PayloadReader(CHECKS).read(payload);
    }
}
