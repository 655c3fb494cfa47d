package io.pgferry.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
import io.pgferry.testing.JsonReader;
import io.pgferry.testing.ParquetReader;
import io.pgferry.testing.Payloads;
import io.pgferry.testing.Tables;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The same copies against every PostgreSQL major the build fetches (9.6, 10, 11, 12 and 17; see
 * {@code postgres.*.version} in the pom) besides the machine's own 15: every cell of CSV output compared with the
 * server's text, a parallel copy (which slices the table from PostgreSQL 14 on and reads it whole before), JSON and
 * Parquet.
 */
@QuarkusTest
class PostgresVersionsIT {
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    static Stream<String> versions() {
        return Stream.of(
                        System.getProperty("pgferry.test.postgres.versions", "").split(","))
                .filter(v -> !v.isBlank());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void copiesEveryCellAndSlicesWhereTheServerCan(String version) throws Exception {
        try (TestingPostgres postgres = TestingPostgres.startVersion(version)) {
            postgres.execute(
                    "CREATE TABLE versions (id int PRIMARY KEY, name text, amount numeric(12, 2),"
                            + " seen timestamptz, doc jsonb, tags int[])",
                    "INSERT INTO versions SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'n ' || i || E', \"q\"\\nx' END,"
                            + " i * 1.25, TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL '1 hour',"
                            + " jsonb_build_object('i', i), ARRAY[i, NULL] FROM generate_series(1, 5000) i");
            String container = "v-" + UUID.randomUUID().toString().substring(0, 8);
            ObjectNode payload = Payloads.load(
                    "valid/table-to-csv-chunks.json",
                    Map.of(
                            "TABLE",
                            "versions",
                            "CONTAINER",
                            container,
                            "PG_CONNECTION",
                            postgres.odbcConnectionString(),
                            "BLOB_CONNECTION",
                            azurite.connectionString()));
            payload.withObject("/activity/typeProperties").put("parallelCopies", 2);

            int expectedSlices = postgres.versionNumber() >= 140000 ? 2 : 1;
            given().contentType(ContentType.JSON)
                    .body(payload.toString())
                    .post("/copy")
                    .then()
                    .statusCode(200)
                    .body("rowsCopied", equalTo(5000))
                    .body("usedParallelCopies", equalTo(expectedSlices));

            List<String> columns = List.of("id", "name", "amount", "seen", "doc", "tags");
            assertThat(CsvReader.read(
                            azurite.download(container, "", downloads), BaseCopyFunction.DUCKDB_DEFAULTS, "id"))
                    .isEqualTo(Tables.postgresText(postgres, "versions", columns, "id"));

            // JSON (row_to_json) and Parquet (binary COPY) ride the same server features on every version.
            String json = "v-" + UUID.randomUUID().toString().substring(0, 8);
            given().contentType(ContentType.JSON)
                    .body(BaseCopyFunction.json(payload.deepCopy(), "setOfObjects")
                            .toString()
                            .replace(container, json))
                    .post("/copy")
                    .then()
                    .statusCode(200);
            assertThat(JsonReader.count(azurite.download(json, "", downloads), "newline_delimited"))
                    .isEqualTo(5000);
            String parquet = "v-" + UUID.randomUUID().toString().substring(0, 8);
            given().contentType(ContentType.JSON)
                    .body(BaseCopyFunction.parquet(payload.deepCopy(), "snappy")
                            .toString()
                            .replace(container, parquet))
                    .post("/copy")
                    .then()
                    .statusCode(200);
            assertThat(
                            ParquetReader.rows(
                                    azurite.download(parquet, "", downloads),
                                    "SELECT id, name, amount, epoch_us(seen), doc, to_json(tags)::VARCHAR FROM FILES ORDER BY id"))
                    .isEqualTo(Tables.postgresObjects(
                            postgres,
                            "SELECT id, name, amount,"
                                    + " (extract(epoch FROM seen) * 1000000)::bigint, doc::text, array_to_json(tags)::text"
                                    + " FROM versions ORDER BY id"));
        }
    }
}
