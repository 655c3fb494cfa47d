package io.pgferry.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.GnuTar;
import io.pgferry.testing.Tables;
import io.pgferry.testing.TestingCertificates;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The end-to-end suite against the application running in the test JVM, plus the {@code FileServer} sink, which the
 * test profile allows under {@code java.io.tmpdir}.
 */
@QuarkusTest
class CopyFunctionIT extends BaseCopyFunction {

    @Test
    void writesChunksToAFileServerFolderAndLeavesNoTemporaryFiles() throws Exception {
        String table = mixedTable(2500);
        Path root = downloads.resolve("share");
        Files.createDirectories(root);

        post(toFileServer(payload(table, "unused"), root))
                .statusCode(200)
                .body("filesWritten", equalTo(3))
                .body("executionDetails[0].sink.type", equalTo("FileServer"))
                .body("effectiveIntegrationRuntime", equalTo("pgferry (local)"))
                .body(
                        "files.path",
                        equalTo(List.of(
                                root + "/exports/orders/orders_00000.csv",
                                root + "/exports/orders/orders_00001.csv",
                                root + "/exports/orders/orders_00002.csv")));

        List<Path> files = listFiles(root.resolve("exports/orders"));
        assertThat(files)
                .extracting(f -> f.getFileName().toString())
                .containsExactly("_manifest.json", "orders_00000.csv", "orders_00001.csv", "orders_00002.csv");
        assertThat(CsvReader.read(files.subList(1, 4), DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, MIXED_COLUMNS, "id"));
    }

    @Test
    void archivesToAFileServerFolderWithTheTarHeaderWrittenInPlace() throws Exception {
        String table = mixedTable(1500);
        Path root = downloads.resolve("share-tar");
        Files.createDirectories(root);
        ObjectNode payload = toFileServer(payload(table, "unused"), root);
        csvDataset(payload).put("compressionCodec", "TarGzip");

        post(payload)
                .statusCode(200)
                .body(
                        "files.path",
                        equalTo(List.of(
                                root + "/exports/orders/orders_00000.csv.tar.gz",
                                root + "/exports/orders/orders_00001.csv.tar.gz")));

        List<Path> extracted = new ArrayList<>();
        for (Path archive : listFiles(root.resolve("exports/orders")).stream()
                .filter(file -> !file.getFileName().toString().startsWith("_"))
                .toList()) {
            for (Map.Entry<String, byte[]> member :
                    GnuTar.extract(archive, true).entrySet()) {
                extracted.add(Files.write(downloads.resolve(member.getKey()), member.getValue()));
            }
        }
        assertThat(extracted)
                .extracting(f -> f.getFileName().toString())
                .containsExactly("orders_00000.csv", "orders_00001.csv");
        assertThat(CsvReader.read(extracted, DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, MIXED_COLUMNS, "id"));
    }

    @Test
    void aFailedCopyToAFileServerLeavesNeitherFilesNorTemporaryFiles() throws Exception {
        Path root = downloads.resolve("share");
        Files.createDirectories(root);
        ObjectNode payload = toFileServer(payload("t", "unused"), root);
        source(payload).put("query", "SELECT i, 1 / (i - 2500) AS boom FROM generate_series(1, 3000) i");

        post(payload).statusCode(400).body("errorCode", equalTo("SourceQueryFailed"));

        assertThat(listFiles(root.resolve("exports/orders"))).isEmpty();
    }

    @Test
    void aFileServerFolderOutsideTheAllowedRootsIsRefused() {
        post(toFileServer(payload("t", "unused"), Path.of("/etc")))
                .statusCode(400)
                .body("details.pointer", equalTo(List.of("/linkedServices/1/properties/typeProperties/host")));
    }

    @Test
    void verifyingModesTrustTheConfiguredAuthorityAndCheckTheHostName() {
        TestingPostgres tls = TestingServers.postgresWithTls();
        String container = uniqueContainer();

        post(toTls(payload("t", container), tls, "localhost", 5, 15))
                .statusCode(200)
                .body("rowsCopied", equalTo(1));
        post(toTls(payload("t", container), tls, "127.0.0.1", 5, 15))
                .statusCode(400)
                .body("errorCode", equalTo("SourceTlsFailed"))
                .body("message", containsString("127.0.0.1"));
        post(toTls(payload("t", container), tls, "127.0.0.1", 4, 15)).statusCode(200);
    }

    @Test
    void aCertificateFromAnUntrustedAuthorityIsRefused() throws Exception {
        TestingPostgres tls = TestingServers.postgresWithTls();
        byte[] trusted = Files.readAllBytes(TestingCertificates.TRUSTED);
        Files.copy(
                tls.certificates().otherAuthority(), TestingCertificates.TRUSTED, StandardCopyOption.REPLACE_EXISTING);
        try {
            // Another connectionTimeout makes another pool, so no connection verified earlier is reused.
            post(toTls(payload("t", uniqueContainer()), tls, "localhost", 5, 17))
                    .statusCode(400)
                    .body("errorCode", equalTo("SourceTlsFailed"));
        } finally {
            Files.write(TestingCertificates.TRUSTED, trusted);
        }
    }

    @Test
    void aConnectionWithoutTlsToATlsOnlyServerIsRefusedClearly() {
        TestingPostgres tls = TestingServers.postgresWithTls();
        post(toTls(payload("t", uniqueContainer()), tls, "127.0.0.1", 0, 15))
                .statusCode(400)
                .body("errorCode", equalTo("SourceAuthenticationFailed"))
                .body("message", containsString("no encryption"));
    }

    @Test
    void aCopyFailingMidStreamOnATlsOnlyServerIsCancelledThereAndItsConnectionServesTheNextCopy() {
        TestingPostgres tls = TestingServers.postgresWithTls();
        String container = uniqueContainer();
        // Row 1000 holds a value Parquet refuses; the rows after it would take most of an hour to stream if the COPY
        // were drained rather than cancelled (the cancel request must itself speak TLS to this server).
        ObjectNode failing = parquet(toTls(payload("t", container), tls, "localhost", 5, 19), "snappy");
        source(failing)
                .put(
                        "query",
                        "SELECT i, CASE WHEN i = 1000 THEN 'infinity'::timestamp"
                                + " ELSE TIMESTAMP '2024-01-01' END AS ts, (SELECT 1 FROM pg_sleep(CASE WHEN i > 1000 THEN 0.01"
                                + " ELSE 0 END)) AS s FROM generate_series(1, 300000) i");
        failing.withObject("/activity/typeProperties").put("parallelCopies", 1);

        post(failing).statusCode(400).body("errorCode", equalTo("ValueNotRepresentable"));

        // Same linked service settings, so the same pool: the connection must be back in step with the server.
        post(toTls(payload("t", container), tls, "localhost", 5, 19))
                .statusCode(200)
                .body("rowsCopied", equalTo(1));
    }

    /** A PostgreSqlV2 linked service to the TLS-only server, reading one row. */
    private static ObjectNode toTls(
            ObjectNode payload, TestingPostgres server, String host, int sslMode, int connectionTimeout) {
        ObjectNode linkedService = payload.withObject("/linkedServices/0/properties");
        linkedService.put("type", "PostgreSqlV2");
        linkedService
                .putObject("typeProperties")
                .put("server", host)
                .put("port", server.port())
                .put("database", TestingPostgres.DATABASE)
                .put("username", TestingPostgres.USER)
                .put("password", server.password())
                .put("sslMode", sslMode)
                .put("connectionTimeout", connectionTimeout);
        source(payload).put("query", "SELECT 1 AS one");
        return payload;
    }

    private static ObjectNode toFileServer(ObjectNode payload, Path root) {
        ObjectNode linkedService = payload.withObject("/linkedServices/1/properties");
        linkedService.put("type", "FileServer");
        linkedService.putObject("typeProperties").put("host", root.toString());
        ObjectNode location = payload.withObject("/datasets/1/properties/typeProperties/location");
        location.put("type", "FileServerLocation").remove("container");
        payload.withObject("/activity/typeProperties/sink/storeSettings").put("type", "FileServerWriteSettings");
        return payload;
    }

    private static List<Path> listFiles(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().toList();
        }
    }
}
