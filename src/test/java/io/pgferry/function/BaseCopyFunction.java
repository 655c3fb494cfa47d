package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobProperties;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.GnuTar;
import io.pgferry.testing.JsonReader;
import io.pgferry.testing.ParquetReader;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Tables;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * The copy function end to end over HTTP, against a real PostgreSQL and a real Azurite, with every output read back
 * by DuckDB. Subclasses run it in-process and against the packaged application.
 */
abstract class BaseCopyFunction {
    static final List<String> MIXED_COLUMNS =
            List.of("id", "name", "amount", "ratio", "flag", "born", "seen", "doc", "tags", "note");
    static final String DUCKDB_DEFAULTS = "header=true, delim=',', quote='\"', escape='\\', nullstr=''";

    final TestingPostgres postgres = TestingServers.postgres();
    final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void copiesAMixedTypeTableIntoChunksEveryCellIntact() throws Exception {
        String table = mixedTable(2500);
        String container = uniqueContainer();

        ValidatableResponse response = post(payload(table, container))
                .statusCode(200)
                .body("rowsRead", equalTo(2500))
                .body("rowsCopied", equalTo(2500))
                .body("filesWritten", equalTo(3))
                .body("errors.size()", equalTo(0))
                .body("executionDetails[0].status", equalTo("Succeeded"))
                .body("executionDetails[0].source.type", equalTo("PostgreSql"))
                .body(
                        "files.path",
                        equalTo(List.of(
                                container + "/exports/orders/orders_00000.csv",
                                container + "/exports/orders/orders_00001.csv",
                                container + "/exports/orders/orders_00002.csv")))
                .body("files.rows", equalTo(List.of(1000, 1000, 500)));

        List<Path> files = download(container, "exports/orders/");
        assertThat(files).hasSize(3);
        long written = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            written += bytes.length;
            String text = new String(bytes, StandardCharsets.UTF_8);
            assertThat(text)
                    .startsWith(String.join(",", MIXED_COLUMNS) + "\r\n")
                    .endsWith("\r\n");
            assertThat(CsvReader.header(file, DUCKDB_DEFAULTS)).isEqualTo(MIXED_COLUMNS);
        }
        response.body("dataWritten", equalTo((int) written));
        assertThat(CsvReader.read(files, DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, MIXED_COLUMNS, "id"));
    }

    @Test
    void honoursDelimiterQuoteEscapeNullTextAndRowDelimiter() throws Exception {
        String table = mixedTable(300);
        String container = uniqueContainer();
        ObjectNode payload = payload(table, container);
        ObjectNode format = csvDataset(payload);
        format.put("columnDelimiter", ";")
                .put("quoteChar", "'")
                .put("escapeChar", "'")
                .put("nullValue", "NULL")
                .put("rowDelimiter", "\n")
                .put("firstRowAsHeader", false);
        formatSettings(payload).remove("maxRowsPerFile");

        post(payload)
                .statusCode(200)
                .body("filesWritten", equalTo(1))
                .body("files[0].path", equalTo(container + "/exports/orders/orders_00000.csv"));

        List<Path> files = download(container, "exports/orders/");
        String text = Files.readString(files.get(0));
        assertThat(text).doesNotContain("\r\n").contains(";NULL;");
        List<List<String>> expected = Tables.postgresText(postgres, table, MIXED_COLUMNS, "id");
        String columns = "columns={"
                + String.join(
                        ", ",
                        MIXED_COLUMNS.stream()
                                .map(c -> "'" + c + "': 'VARCHAR'")
                                .toList()) + "}";
        assertThat(CsvReader.read(
                        files, "header=false, delim=';', quote='''', escape='''', nullstr='NULL', " + columns, "id"))
                .isEqualTo(expected);
    }

    @Test
    void writesJsonLinesEveryValueTyped() throws Exception {
        String table = mixedTable(2500);
        String container = uniqueContainer();

        post(json(payload(table, container), "setOfObjects"))
                .statusCode(200)
                .body("filesWritten", equalTo(3))
                .body(
                        "files.path",
                        equalTo(List.of(
                                container + "/exports/orders/orders_00000.json",
                                container + "/exports/orders/orders_00001.json",
                                container + "/exports/orders/orders_00002.json")));

        List<Path> files = download(container, "exports/orders/");
        assertThat(JsonReader.count(files, "newline_delimited")).isEqualTo(2500);
        List<JsonNode> rows = new ArrayList<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                rows.add(JsonReader.MAPPER.readTree(line));
            }
        }
        assertMixedRowsMatch(table, rows);
    }

    @Test
    void writesAGzippedArrayOfObjectsWithItsContentEncoding() throws Exception {
        String table = mixedTable(500);
        String container = uniqueContainer();
        ObjectNode payload = json(payload(table, container), "arrayOfObjects");
        formatSettings(payload).remove("maxRowsPerFile");
        csvDataset(payload).putObject("compression").put("type", "gzip").put("level", "Optimal");

        post(payload)
                .statusCode(200)
                .body("files[0].path", equalTo(container + "/exports/orders/orders_00000.json.gz"));

        BlobProperties properties = azurite.container(container)
                .getBlobClient("exports/orders/orders_00000.json.gz")
                .getProperties();
        assertThat(properties.getContentEncoding()).isEqualTo("gzip");
        assertThat(properties.getContentType()).isEqualTo("application/json");
        List<Path> files = download(container, "exports/orders/");
        assertThat(JsonReader.count(files, "array")).isEqualTo(500);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(files.get(0)))) {
            List<JsonNode> rows = new ArrayList<>();
            JsonReader.MAPPER.readTree(in).forEach(rows::add);
            assertMixedRowsMatch(table, rows);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "snappy", "gzip", "zstd", "lz4"})
    void writesTypedParquetWithEveryCodec(String codec) throws Exception {
        String table = mixedTable(2500);
        String container = uniqueContainer();

        post(parquet(payload(table, container), codec))
                .statusCode(200)
                .body("rowsCopied", equalTo(2500))
                .body(
                        "files.path",
                        equalTo(List.of(
                                container + "/exports/orders/orders_00000.parquet",
                                container + "/exports/orders/orders_00001.parquet",
                                container + "/exports/orders/orders_00002.parquet")))
                .body("files.rows", equalTo(List.of(1000, 1000, 500)));

        assertThat(azurite.container(container)
                        .getBlobClient("exports/orders/orders_00000.parquet")
                        .getProperties()
                        .getContentType())
                .isEqualTo("application/vnd.apache.parquet");
        List<Path> files = download(container, "exports/orders/");
        assertThat(ParquetReader.codecs(files))
                .containsExactly(
                        codec.equals("none")
                                ? "UNCOMPRESSED"
                                : codec.equals("lz4") ? "LZ4_RAW" : codec.toUpperCase(java.util.Locale.ROOT));
        assertThat(ParquetReader.types(files))
                .containsExactly(
                        Map.entry("id", "INTEGER"),
                        Map.entry("name", "VARCHAR"),
                        Map.entry("amount", "DECIMAL(12,2)"),
                        Map.entry("ratio", "DOUBLE"),
                        Map.entry("flag", "BOOLEAN"),
                        Map.entry("born", "DATE"),
                        Map.entry("seen", "TIMESTAMP WITH TIME ZONE"),
                        Map.entry("doc", "VARCHAR"),
                        Map.entry("tags", "INTEGER[]"),
                        Map.entry("note", "VARCHAR"));
        assertThat(ParquetReader.rows(
                        files,
                        "SELECT id, name, amount, ratio, flag, born::VARCHAR, epoch_us(seen),"
                                + " doc, to_json(tags)::VARCHAR, note FROM FILES ORDER BY id"))
                .isEqualTo(Tables.postgresObjects(
                        postgres,
                        "SELECT id, name, amount, ratio, flag, born::text,"
                                + " (extract(epoch FROM seen) * 1000000)::bigint, doc::text, array_to_json(tags)::text, note"
                                + " FROM " + table + " ORDER BY id"));
    }

    @Test
    void compressesCsvWithGzipRawDeflateBzip2AndZip() throws Exception {
        String table = mixedTable(700);
        String plain = uniqueContainer();
        post(payload(table, plain)).statusCode(200);
        byte[] expected = Files.readAllBytes(download(plain, "exports/orders/").get(0));

        String gzip = uniqueContainer();
        ObjectNode gzipPayload = payload(table, gzip);
        csvDataset(gzipPayload).put("compressionCodec", "gzip");
        post(gzipPayload).statusCode(200).body("files[0].path", equalTo(gzip + "/exports/orders/orders_00000.csv.gz"));
        List<Path> gzipped = download(gzip, "exports/orders/");
        assertThat(CsvReader.read(gzipped, DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, MIXED_COLUMNS, "id"));

        String deflate = uniqueContainer();
        ObjectNode deflatePayload = payload(table, deflate);
        csvDataset(deflatePayload).put("compressionCodec", "deflate").put("compressionLevel", "Fastest");
        post(deflatePayload)
                .statusCode(200)
                .body("files[0].path", equalTo(deflate + "/exports/orders/orders_00000.csv.deflate"));
        try (InputStream in = new InflaterInputStream(
                Files.newInputStream(download(deflate, "exports/orders/").get(0)), new Inflater(true))) {
            assertThat(in.readAllBytes()).isEqualTo(expected);
        }

        String bzip2 = uniqueContainer();
        ObjectNode bzip2Payload = payload(table, bzip2);
        csvDataset(bzip2Payload).put("compressionCodec", "bzip2");
        post(bzip2Payload)
                .statusCode(200)
                .body("files[0].path", equalTo(bzip2 + "/exports/orders/orders_00000.csv.bz2"));
        try (InputStream in = new BZip2CompressorInputStream(
                Files.newInputStream(download(bzip2, "exports/orders/").get(0)))) {
            assertThat(in.readAllBytes()).isEqualTo(expected);
        }

        String zip = uniqueContainer();
        ObjectNode zipPayload = payload(table, zip);
        csvDataset(zipPayload).put("compressionCodec", "ZipDeflate");
        post(zipPayload).statusCode(200).body("files[0].path", equalTo(zip + "/exports/orders/orders_00000.csv.zip"));
        assertThat(azurite.container(zip)
                        .getBlobClient("exports/orders/orders_00000.csv.zip")
                        .getProperties()
                        .getContentType())
                .isEqualTo("application/zip");
        try (ZipInputStream in = new ZipInputStream(
                Files.newInputStream(download(zip, "exports/orders/").get(0)))) {
            assertThat(in.getNextEntry().getName()).isEqualTo("orders_00000.csv");
            assertThat(in.readAllBytes()).isEqualTo(expected);
            assertThat(in.getNextEntry()).isNull();
        }
    }

    @Test
    void archivesEachCsvChunkAsTarAndTarGzipThatGnuTarExtracts() throws Exception {
        String table = mixedTable(2500);
        String plain = uniqueContainer();
        post(payload(table, plain)).statusCode(200);
        List<Path> expected = download(plain, "exports/orders/");

        String tar = uniqueContainer();
        ObjectNode tarPayload = payload(table, tar);
        csvDataset(tarPayload).put("compressionCodec", "Tar");
        post(tarPayload)
                .statusCode(200)
                .body("filesWritten", equalTo(3))
                .body("files[2].path", equalTo(tar + "/exports/orders/orders_00002.csv.tar"));
        assertThat(azurite.container(tar)
                        .getBlobClient("exports/orders/orders_00000.csv.tar")
                        .getProperties()
                        .getContentType())
                .isEqualTo("application/x-tar");
        List<Path> tars = download(tar, "exports/orders/");
        for (int i = 0; i < 3; i++) {
            byte[] csv = Files.readAllBytes(expected.get(i));
            assertThat(GnuTar.extract(tars.get(i), false))
                    .containsOnlyKeys("orders_0000" + i + ".csv")
                    .hasEntrySatisfying("orders_0000" + i + ".csv", bytes -> assertThat(bytes)
                            .isEqualTo(csv));
            // One header record, the file padded to whole records, two zero records at the end.
            assertThat(Files.size(tars.get(i))).isEqualTo(512 + (csv.length + 511) / 512 * 512 + 1024);
        }

        // A name beyond ustar's 100 bytes travels in a PAX record.
        String prefix = "orders_" + "x".repeat(100) + "_ünï";
        String tarGzip = uniqueContainer();
        ObjectNode tarGzipPayload = payload(table, tarGzip);
        csvDataset(tarGzipPayload).put("compressionCodec", "TarGzip").put("compressionLevel", "Fastest");
        formatSettings(tarGzipPayload).put("fileNamePrefix", prefix);
        post(tarGzipPayload)
                .statusCode(200)
                .body("files[0].path", equalTo(tarGzip + "/exports/orders/" + prefix + "_00000.csv.tar.gz"));
        List<Path> tarGzips = download(tarGzip, "exports/orders/");
        for (int i = 0; i < 3; i++) {
            byte[] csv = Files.readAllBytes(expected.get(i));
            assertThat(GnuTar.extract(tarGzips.get(i), true))
                    .containsOnlyKeys(prefix + "_0000" + i + ".csv")
                    .hasEntrySatisfying(prefix + "_0000" + i + ".csv", bytes -> assertThat(bytes)
                            .isEqualTo(csv));
        }
    }

    @Test
    void readsATableInParallelSlicesEveryRowExactlyOnce() throws Exception {
        String table = mixedTable(20000);
        String container = uniqueContainer();
        ObjectNode payload = payload(table, container);
        payload.withObject("/activity/typeProperties").put("parallelCopies", 4);
        formatSettings(payload).put("maxRowsPerFile", 3000);

        ValidatableResponse response = post(payload)
                .statusCode(200)
                .body("rowsCopied", equalTo(20000))
                .body("usedParallelCopies", equalTo(4))
                .body("sourcePeakConnections", equalTo(4))
                .body("slices.index", equalTo(List.of(0, 1, 2, 3)))
                .body("files[0].path", equalTo(container + "/exports/orders/orders_000_00000.csv"));
        List<Integer> sliceRows = response.extract().path("slices.rows");
        assertThat(sliceRows).allSatisfy(rows -> assertThat(rows).isPositive());
        assertThat(sliceRows.stream().mapToInt(Integer::intValue).sum()).isEqualTo(20000);

        List<Path> files = download(container, "exports/orders/");
        assertThat(files.size()).isEqualTo(response.extract().<Integer>path("filesWritten"));
        assertThat(CsvReader.read(files, DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, MIXED_COLUMNS, "id"));
    }

    @Test
    void dynamicRangeSlicesByThePrimaryKeyOrAGivenColumnAndLosesNoRow() throws Exception {
        String table = "ranged_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " AS SELECT i AS id, CASE WHEN i % 10 = 0 THEN NULL ELSE i END AS v"
                        + " FROM generate_series(1, 6000) i",
                "ALTER TABLE " + table + " ADD PRIMARY KEY (id)");
        List<List<String>> expected = Tables.postgresText(postgres, table, List.of("id", "v"), "id");

        String byKey = uniqueContainer();
        ObjectNode payload = payload(table, byKey);
        payload.withObject("/activity/typeProperties").put("parallelCopies", 3);
        source(payload).put("type", "AzurePostgreSqlSource").put("partitionOption", "DynamicRange");
        post(payload)
                .statusCode(200)
                .body("usedParallelCopies", equalTo(3))
                .body("rowsCopied", equalTo(6000))
                .body("slices[0].range", equalTo("\"id\" < 2001"));
        assertThat(CsvReader.read(download(byKey, "exports/orders/"), DUCKDB_DEFAULTS, "id"))
                .isEqualTo(expected);

        // Bounds narrower than the data only set the stride: rows below, above and NULL are still copied.
        String byColumn = uniqueContainer();
        ObjectNode narrow = payload(table, byColumn);
        narrow.withObject("/activity/typeProperties").put("parallelCopies", 2);
        source(narrow)
                .put("type", "AzurePostgreSqlSource")
                .put("partitionOption", "DynamicRange")
                .putObject("partitionSettings")
                .put("partitionColumnName", "v")
                .put("partitionLowerBound", "1000")
                .put("partitionUpperBound", "2000");
        post(narrow).statusCode(200).body("usedParallelCopies", equalTo(2)).body("rowsCopied", equalTo(6000));
        assertThat(CsvReader.read(download(byColumn, "exports/orders/"), DUCKDB_DEFAULTS, "id"))
                .isEqualTo(expected);
    }

    @Test
    void physicalPartitionsAreSharedAmongTheSlicesOrPickedByName() throws Exception {
        String table = "parted_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int, name text) PARTITION BY RANGE (id)",
                "CREATE TABLE " + table + "_a PARTITION OF " + table + " FOR VALUES FROM (0) TO (1000)",
                "CREATE TABLE " + table + "_b PARTITION OF " + table + " FOR VALUES FROM (1000) TO (2000)",
                "CREATE TABLE " + table + "_c PARTITION OF " + table + " FOR VALUES FROM (2000) TO (3000)",
                "INSERT INTO " + table + " SELECT i, 'n' || i FROM generate_series(0, 2999) i");

        String all = uniqueContainer();
        ObjectNode payload = payload(table, all);
        payload.withObject("/activity/typeProperties").put("parallelCopies", 2);
        source(payload).put("type", "AzurePostgreSqlSource").put("partitionOption", "PhysicalPartitionsOfTable");
        post(payload).statusCode(200).body("usedParallelCopies", equalTo(2)).body("rowsCopied", equalTo(3000));
        assertThat(CsvReader.read(download(all, "exports/orders/"), DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, table, List.of("id", "name"), "id"));

        String picked = uniqueContainer();
        ObjectNode one = payload(table, picked);
        source(one)
                .put("type", "AzurePostgreSqlSource")
                .put("partitionOption", "PhysicalPartitionsOfTable")
                .putObject("partitionSettings")
                .putArray("partitionNames")
                .add(table + "_b");
        post(one).statusCode(200).body("usedParallelCopies", equalTo(1)).body("rowsCopied", equalTo(1000));

        source(one).put("query", "SELECT * FROM " + table);
        post(one).statusCode(400).body("errorCode", equalTo("SourcePartitionsNeedATable"));

        // ADF's placeholders: the query names each slice's partition, or places each slice's range condition.
        String hooked = uniqueContainer();
        ObjectNode byName = payload(table, hooked);
        byName.withObject("/activity/typeProperties").put("parallelCopies", 2);
        source(byName)
                .put("type", "AzurePostgreSqlSource")
                .put("partitionOption", "PhysicalPartitionsOfTable")
                .put("query", "SELECT * FROM ?AdfTabularPartitionName WHERE id % 2 = 0");
        post(byName).statusCode(200).body("usedParallelCopies", equalTo(2)).body("rowsCopied", equalTo(1500));
        String ranged = uniqueContainer();
        ObjectNode byRange = payload(table, ranged);
        byRange.withObject("/activity/typeProperties").put("parallelCopies", 3);
        source(byRange)
                .put("type", "AzurePostgreSqlSource")
                .put("partitionOption", "DynamicRange")
                .put(
                        "query",
                        "SELECT id, name FROM " + table + " WHERE ?AdfDynamicRangePartitionCondition AND id >= 100")
                .putObject("partitionSettings")
                .put("partitionColumnName", "id");
        post(byRange).statusCode(200).body("usedParallelCopies", equalTo(3)).body("rowsCopied", equalTo(2900));
        assertThat(CsvReader.read(download(ranged, "exports/orders/"), DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(
                        postgres, "(SELECT * FROM " + table + " WHERE id >= 100) AS t", List.of("id", "name"), "id"));
        ObjectNode once = payload(table, uniqueContainer());
        source(once).put("query", "SELECT * FROM " + table + " WHERE ?AdfDynamicRangePartitionCondition");
        post(once).statusCode(200).body("rowsCopied", equalTo(3000));
        ObjectNode text = payload(table, uniqueContainer());
        text.withObject("/activity/typeProperties").put("parallelCopies", 2);
        source(text)
                .put("type", "AzurePostgreSqlSource")
                .put("partitionOption", "DynamicRange")
                .putObject("partitionSettings")
                .put("partitionColumnName", "name");
        post(text)
                .statusCode(400)
                .body("errorCode", equalTo("SourcePartitionColumnTypeUnsupported"))
                .body("message", containsString("\"name\" is text"));
    }

    @Test
    void aQueryIsReadInOneSliceWhateverParallelCopiesSays() {
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        payload.withObject("/activity/typeProperties").put("parallelCopies", 4);
        source(payload).put("query", "SELECT i FROM generate_series(1, 10) i");
        post(payload)
                .statusCode(200)
                .body("usedParallelCopies", equalTo(1))
                .body("slices[0].range", equalTo("all"))
                .body("files[0].path", equalTo(container + "/exports/orders/orders_00000.csv"));
    }

    @Test
    void readsAQuotedMixedCaseTableInBothNotations() throws Exception {
        String schema = "Sales" + suffix();
        postgres.execute(
                "CREATE SCHEMA \"" + schema + "\"",
                "CREATE TABLE \"" + schema + "\".\"Order Lines\" (\"Id\" int, \"Item\" text)",
                "INSERT INTO \"" + schema + "\".\"Order Lines\" VALUES (1, 'pen'), (2, 'ink')");
        for (String tableName : List.of("\"" + schema + "\".\"Order Lines\"", schema + ".Order Lines")) {
            String container = uniqueContainer();
            post(payload(tableName, container)).statusCode(200).body("rowsCopied", equalTo(2));
            List<Path> files = download(container, "exports/orders/");
            assertThat(CsvReader.read(files, DUCKDB_DEFAULTS, "Id"))
                    .isEqualTo(List.of(List.of("1", "pen"), List.of("2", "ink")));
        }
    }

    @Test
    void sourceQueryOverridesTheTableAndAnEmptyResultStillWritesOneFile() throws Exception {
        String container = uniqueContainer();
        ObjectNode payload = payload("no_such_table", container);
        source(payload).put("query", "SELECT 1 AS one WHERE false;");
        post(payload).statusCode(200).body("rowsCopied", equalTo(0)).body("filesWritten", equalTo(1));
        List<Path> files = download(container, "exports/orders/");
        assertThat(Files.readString(files.get(0))).isEqualTo("one\r\n");
    }

    @Test
    void runsAParameterisedPipelineWithExpressions() throws Exception {
        String table = "increments_" + suffix();
        postgres.execute("CREATE TABLE " + table + " AS SELECT i AS id, 'item ' || i AS name"
                + " FROM generate_series(1, 20) i");
        String container = uniqueContainer();
        ObjectNode payload = Payloads.load(
                "valid/pipeline-with-parameters.json",
                Map.of(
                        "TABLE",
                        table,
                        "CONTAINER",
                        container,
                        "PG_HOST",
                        postgres.host(),
                        "PG_PORT",
                        Integer.toString(postgres.port()),
                        "PG_USER",
                        TestingPostgres.USER,
                        "PG_PASSWORD",
                        postgres.password(),
                        "DATABASE",
                        TestingPostgres.DATABASE,
                        "BLOB_CONNECTION",
                        azurite.connectionString()));

        ValidatableResponse response = post(payload).statusCode(200).body("rowsCopied", equalTo(13));
        String runId = response.extract().path("runId");
        response.body("files[0].path", equalTo(container + "/orders/2026/11/24/" + runId + "_00000.csv"));
        assertThat(CsvReader.read(download(container, "orders/"), DUCKDB_DEFAULTS, "id")
                        .get(0))
                .isEqualTo(List.of("8", "item 8"));

        payload.withObject("/pipeline/properties/activities/1/typeProperties/source")
                .put("query", "@activity('Lookup').output.firstRow.query");
        String other = uniqueContainer();
        payload.withObject("/datasets/1/properties/typeProperties/location").put("container", other);
        post(payload)
                .statusCode(400)
                .body(
                        "details.pointer",
                        equalTo(List.of("/pipeline/properties/activities/1/typeProperties/source/query")));
        assertNothingWritten(other);
    }

    @Test
    void malformedJsonIsA400() {
        given().contentType(ContentType.JSON)
                .body("{\"activity\": ")
                .post("/copy")
                .then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("errorCode", equalTo("MalformedJson"))
                .body("failureType", equalTo("UserError"));
    }

    @Test
    void everyInvalidFieldIsReportedAtOnceByPointerAndNothingIsWritten() {
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        payload.withObject("/activity/inputs/0").put("referenceName", "Missing");
        payload.withObject("/datasets/1/properties").put("type", "Xml");
        formatSettings(payload).put("maxRowsPerFile", 0);
        source(payload).put("query", "@pipeline().parameters.query");

        post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"))
                .body("failureType", equalTo("UserError"))
                .body(
                        "details.pointer",
                        equalTo(List.of(
                                "/activity/inputs/0/referenceName",
                                "/activity/typeProperties/source/query",
                                "/datasets/1/properties/type",
                                "/activity/typeProperties/sink/formatSettings/maxRowsPerFile")))
                .body("details[0].reason", containsString("'Missing'"))
                .body("details[2].reason", containsString("supported: Avro, DelimitedText, Json, Parquet"));
        assertNothingWritten(container);
    }

    @Test
    void anExpressionIsRefusedNotSentToTheDatabase() {
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        source(payload).put("query", "@activity('Lookup').output.firstRow.query");
        post(payload)
                .statusCode(400)
                .body("details.pointer", equalTo(List.of("/activity/typeProperties/source/query")))
                .body("details[0].reason", containsString("activity 'Lookup', which has not run"));
        assertNothingWritten(container);
    }

    @Test
    void aBadConnectionStringNamesTheKeyButNotItsValue() {
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        postgresLinkedService(payload)
                .put("connectionString", "Colour=s3cr3t-looking-value;" + postgres.odbcConnectionString());
        post(payload)
                .statusCode(400)
                .body(
                        "details.pointer",
                        equalTo(List.of("/linkedServices/0/properties/typeProperties/connectionString")))
                .body("details[0].reason", containsString("'colour'"))
                .body(not(containsString("s3cr3t-looking-value")))
                .body(not(containsString(postgres.password())));
        assertNothingWritten(container);
    }

    @Test
    void wrongPasswordIsAnAuthenticationErrorWithoutThePassword() {
        String container = uniqueContainer();
        ObjectNode payload = payload(mixedTable(10), container);
        String wrong = "Wrong-" + UUID.randomUUID();
        postgresLinkedService(payload)
                .put("connectionString", postgres.odbcConnectionString().replace(postgres.password(), wrong));
        post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("SourceAuthenticationFailed"))
                .body("failureType", equalTo("UserError"))
                .body("target", equalTo("CopyOrders"))
                .body("message", containsString("password authentication failed"))
                .body(not(containsString(wrong)));
        assertNothingWritten(container);
    }

    @Test
    void aMissingTableIsNamedAndNothingIsWritten() {
        String container = uniqueContainer();
        post(payload("public.no_such_table", container))
                .statusCode(400)
                .body("errorCode", equalTo("SourceObjectNotFound"))
                .body("message", containsString("no_such_table"));
        assertNothingWritten(container);
    }

    @Test
    void anUnreachableServerIsARetryableSystemError() {
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        postgresLinkedService(payload)
                .put(
                        "connectionString",
                        postgres.odbcConnectionString().replace("Port=" + postgres.port(), "Port=" + closedPort()));
        post(payload)
                .statusCode(502)
                .body("errorCode", equalTo("SourceUnreachable"))
                .body("failureType", equalTo("SystemError"));
        assertNothingWritten(container);
    }

    @Test
    void aWrongAccountKeyIsASinkAuthenticationErrorWithoutTheKey() {
        String container = uniqueContainer();
        ObjectNode payload = payload(mixedTable(10), container);
        String wrongKey = java.util.Base64.getEncoder()
                .encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII));
        blobLinkedService(payload).put("connectionString", azurite.connectionString(wrongKey));
        post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("SinkAuthenticationFailed"))
                .body("message", containsString(container))
                .body(not(containsString(wrongKey)));
        assertNothingWritten(container);
    }

    @Test
    void aQueryThatWritesIsRefusedByTheReadOnlyTransaction() {
        String sequence = "seq_" + suffix();
        postgres.execute("CREATE SEQUENCE " + sequence);
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        source(payload).put("query", "SELECT nextval('" + sequence + "')");
        post(payload).statusCode(400).body("errorCode", equalTo("SourceQueryNotReadOnly"));
        assertNothingWritten(container);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "INSERT INTO %s VALUES (999) RETURNING *",
                "UPDATE %s SET v = v + 1 RETURNING *",
                "DELETE FROM %s RETURNING *",
                "SELECT * FROM %s FOR UPDATE",
                "CREATE TABLE %s_copy AS SELECT * FROM %1$s",
                "SELECT 1; DELETE FROM %s",
                "SELECT 1) TO STDOUT; DELETE FROM %s; COPY (SELECT 1",
                "SELECT 1) TO STDOUT; COMMIT; DELETE FROM %s; COPY (SELECT 1"
            })
    void aQueryThatWouldWriteIsRefusedAndChangesNothing(String template) throws Exception {
        String table = "guarded_" + suffix();
        postgres.execute("CREATE TABLE " + table + " (v int)", "INSERT INTO " + table + " VALUES (1), (2)");
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        source(payload).put("query", String.format(template, table));

        post(payload).statusCode(400).body("failureType", equalTo("UserError"));

        assertNothingWritten(container);
        assertUnchanged(table);
    }

    @Test
    void aTrailingLineCommentCannotEscapeTheCopy() throws Exception {
        String table = "guarded_" + suffix();
        postgres.execute("CREATE TABLE " + table + " (v int)", "INSERT INTO " + table + " VALUES (1), (2)");
        ObjectNode payload = payload("t", uniqueContainer());
        source(payload)
                .put("query", "SELECT 1 AS one -- ) TO STDOUT; COMMIT; DELETE FROM " + table + "; COPY (SELECT 1");

        post(payload).statusCode(200).body("rowsCopied", equalTo(1));

        assertUnchanged(table);
    }

    private void assertUnchanged(String table) throws SQLException {
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT string_agg(v::text, ',' ORDER BY v)," + " to_regclass('"
                        + table + "_copy') IS NULL FROM " + table)) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo("1,2");
            assertThat(rows.getBoolean(2)).isTrue();
        }
    }

    @Test
    void aPostgreSqlV2CopyReadsSchemaAndTableInTheLinkedServicesTimeZone() throws Exception {
        String schema = "Shop" + suffix();
        postgres.execute(
                "CREATE SCHEMA \"" + schema + "\"",
                "CREATE TABLE \"" + schema + "\".\"Orders\" (id int, placed timestamptz)",
                "INSERT INTO \"" + schema + "\".\"Orders\" VALUES (1, '2026-01-01 00:00:00+00')");
        String container = uniqueContainer();
        ObjectNode payload = payload("unused", container);
        ObjectNode linkedService = payload.withObject("/linkedServices/0/properties");
        linkedService.put("type", "PostgreSqlV2");
        ObjectNode settings = linkedService.putObject("typeProperties");
        settings.put("server", postgres.host())
                .put("port", postgres.port())
                .put("database", TestingPostgres.DATABASE)
                .put("username", TestingPostgres.USER)
                .put("sslMode", 0)
                .put("timezone", "Asia/Tokyo");
        settings.putObject("password").put("type", "SecureString").put("value", postgres.password());
        ObjectNode dataset = payload.withObject("/datasets/0/properties");
        dataset.put("type", "PostgreSqlV2Table");
        dataset.putObject("typeProperties").put("schema", schema).put("table", "Orders");
        source(payload).put("type", "PostgreSqlV2Source");

        post(payload).statusCode(200).body("rowsCopied", equalTo(1));
        assertThat(Files.readString(download(container, "exports/orders/").get(0)))
                .isEqualTo("id,placed\r\n1,2026-01-01 09:00:00+09\r\n");
    }

    @Test
    void aReadOutlastingItsQueryTimeoutIsCancelledOnTheServer() {
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        // An hour's sleep: only the statement timeout ends it.
        source(payload)
                .put("type", "PostgreSqlSource")
                .put("query", "SELECT pg_sleep(3600)")
                .put("queryTimeout", "00:00:01");
        post(payload).statusCode(400).body("errorCode", equalTo("SourceQueryTimeout"));
        assertNothingWritten(container);
    }

    @Test
    void aFailureMidStreamCommitsNoChunkAndKeepsThePreviousFiles() throws Exception {
        String container = uniqueContainer();
        ObjectNode payload = payload("t", container);
        source(payload).put("query", "SELECT i FROM generate_series(1, 3000) i");
        post(payload).statusCode(200).body("filesWritten", equalTo(3));
        List<Path> before = download(container, "exports/orders/");

        source(payload).put("query", "SELECT i, 1 / (i - 2500) AS boom FROM generate_series(1, 3000) i");
        post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("SourceQueryFailed"))
                .body("message", containsString("division by zero"));

        List<Path> after = download(container, "exports/orders/");
        assertThat(after).hasSameSizeAs(before);
        for (int i = 0; i < before.size(); i++) {
            assertThat(Files.readString(after.get(i)))
                    .isEqualTo(Files.readString(before.get(i)))
                    .doesNotContain("boom");
        }
    }

    @Test
    void theLogTellsOfEveryCopyButNeverItsSecrets() throws Exception {
        String container = uniqueContainer();
        ObjectNode payload = payload(mixedTable(3), container);
        String runId = post(payload).statusCode(200).extract().path("runId");
        String wrongKey =
                java.util.Base64.getEncoder().encodeToString(("key-" + suffix()).getBytes(StandardCharsets.US_ASCII));
        blobLinkedService(payload).put("connectionString", azurite.connectionString(wrongKey));
        post(payload).statusCode(400);

        String log = Files.readString(Path.of("target/quarkus-test.log"));
        assertThat(log)
                .contains(runId)
                .contains("SinkAuthenticationFailed")
                .doesNotContain(postgres.password())
                .doesNotContain(TestingAzurite.KEY)
                .doesNotContain(wrongKey);
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    /**
     * Compares JSON objects, read by Jackson, with the table's values as pgjdbc types them: numbers exact, NaN as a
     * string, timestamps as instants, jsonb as trees, arrays element by element, NULL as null.
     */
    void assertMixedRowsMatch(String table, List<JsonNode> rows) throws SQLException, IOException {
        rows.sort(java.util.Comparator.comparingLong(row -> row.get("id").asLong()));
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet expected = statement.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            for (JsonNode row : rows) {
                assertThat(expected.next()).isTrue();
                assertThat(row.size()).isEqualTo(MIXED_COLUMNS.size());
                String at = "row " + expected.getInt("id") + ": ";
                assertThat(row.get("id").intValue()).as(at + "id").isEqualTo(expected.getInt("id"));
                assertThat(row.get("name").textValue()).as(at + "name").isEqualTo(expected.getString("name"));
                assertThat(row.get("amount").isNull() ? null : row.get("amount").decimalValue())
                        .as(at + "amount")
                        .isEqualTo(expected.getBigDecimal("amount"));
                double ratio = expected.getDouble("ratio");
                assertThat(
                                Double.isNaN(ratio)
                                        ? row.get("ratio").textValue()
                                        : row.get("ratio").doubleValue())
                        .as(at + "ratio")
                        .isEqualTo(Double.isNaN(ratio) ? "NaN" : ratio);
                Object flag = expected.getObject("flag");
                assertThat(row.get("flag").isNull() ? null : row.get("flag").booleanValue())
                        .as(at + "flag")
                        .isEqualTo(flag);
                assertThat(row.get("born").textValue()).as(at + "born").isEqualTo(expected.getString("born"));
                assertThat(OffsetDateTime.parse(row.get("seen").textValue()).toInstant())
                        .as(at + "seen")
                        .isEqualTo(
                                expected.getObject("seen", OffsetDateTime.class).toInstant());
                assertThat(row.get("doc"))
                        .as(at + "doc")
                        .isEqualTo(JsonReader.MAPPER.readTree(expected.getString("doc")));
                Integer[] tags = (Integer[]) expected.getArray("tags").getArray();
                assertThat(row.get("tags")).as(at + "tags").hasSize(tags.length);
                for (int i = 0; i < tags.length; i++) {
                    assertThat(
                                    row.get("tags").get(i).isNull()
                                            ? null
                                            : row.get("tags").get(i).intValue())
                            .isEqualTo(tags[i]);
                }
                assertThat(row.get("note").textValue()).as(at + "note").isEqualTo(expected.getString("note"));
            }
            assertThat(expected.next()).as("rows missing from the output").isFalse();
        }
    }

    /** The payload with a Json dataset and sink instead of DelimitedText. */
    static ObjectNode json(ObjectNode payload, String filePattern) {
        ObjectNode dataset = payload.withObject("/datasets/1/properties");
        dataset.put("type", "Json");
        ObjectNode typeProperties = dataset.withObject("/typeProperties");
        typeProperties.retain("location");
        ObjectNode sink = payload.withObject("/activity/typeProperties/sink");
        sink.put("type", "JsonSink");
        sink.withObject("/formatSettings")
                .put("type", "JsonWriteSettings")
                .put("filePattern", filePattern)
                .remove("fileExtension");
        return payload;
    }

    /** The payload with a Parquet dataset and sink instead of DelimitedText. */
    static ObjectNode parquet(ObjectNode payload, String codec) {
        ObjectNode dataset = payload.withObject("/datasets/1/properties");
        dataset.put("type", "Parquet");
        dataset.withObject("/typeProperties").retain("location");
        dataset.withObject("/typeProperties").put("compressionCodec", codec);
        payload.withObject("/activity/typeProperties/sink").put("type", "ParquetSink");
        formatSettings(payload).put("type", "ParquetWriteSettings").remove("fileExtension");
        return payload;
    }

    /** A table of every value shape CSV must carry: delimiters, quotes, escapes, line breaks, NULL and ''. */
    String mixedTable(int rows) {
        String table = "mixed_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text, amount numeric(12,2),"
                        + " ratio double precision, flag boolean, born date, seen timestamptz, doc jsonb, tags int[],"
                        + " note varchar(40))",
                "INSERT INTO " + table + " SELECT i,"
                        + " CASE WHEN i % 7 = 0 THEN '' WHEN i % 5 = 0 THEN NULL"
                        + "  ELSE 'name ' || i || E', \"quoted\"\\nline two \\\\ back ünïcødé ✓' END,"
                        + " CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 1.25 - 1000)::numeric(12,2) END,"
                        + " CASE WHEN i % 13 = 0 THEN 'NaN'::float8 ELSE i / 3.0 END,"
                        + " CASE WHEN i % 3 = 0 THEN NULL ELSE i % 2 = 0 END,"
                        + " DATE '2000-01-01' + i,"
                        + " TIMESTAMPTZ '2024-03-10 01:30:00+02' + i * INTERVAL '17 minutes 3.5 seconds',"
                        + " jsonb_build_object('id', i, 'text', 'a,b \"c\"', 'nested', jsonb_build_array(i, null)),"
                        + " ARRAY[i, NULL, -i],"
                        + " CASE WHEN i % 4 = 0 THEN 'NULL' WHEN i % 6 = 0 THEN ' padded ' ELSE 'n' || i END"
                        + " FROM generate_series(1, " + rows + ") i");
        return table;
    }

    ObjectNode payload(String table, String container) {
        return Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
    }

    static ObjectNode source(ObjectNode payload) {
        return payload.withObject("/activity/typeProperties/source");
    }

    static ObjectNode formatSettings(ObjectNode payload) {
        return payload.withObject("/activity/typeProperties/sink/formatSettings");
    }

    static ObjectNode csvDataset(ObjectNode payload) {
        return payload.withObject("/datasets/1/properties/typeProperties");
    }

    static ObjectNode postgresLinkedService(ObjectNode payload) {
        return payload.withObject("/linkedServices/0/properties/typeProperties");
    }

    static ObjectNode blobLinkedService(ObjectNode payload) {
        return payload.withObject("/linkedServices/1/properties/typeProperties");
    }

    static ValidatableResponse post(ObjectNode payload) {
        return given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .contentType(ContentType.JSON);
    }

    List<Path> download(String container, String prefix) throws IOException {
        return azurite.download(container, prefix, downloads);
    }

    void assertNothingWritten(String container) {
        BlobContainerClient client = azurite.container(container);
        if (client.exists()) {
            assertThat(client.listBlobs()).isEmpty();
        }
    }

    static String uniqueContainer() {
        return "t-" + suffix();
    }

    static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
