package io.pgferry.function;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Every built-in type family through CSV and JSON: CSV cell by cell against PostgreSQL's own text (NULL apart from
 * the empty string), JSON parsed by an independent reader with the values JSON cannot hold as numbers kept as strings.
 */
@QuarkusTest
class TypeFidelityIT {
    private static final String TABLE = "type_families";
    private static final String BIG = "1234567890".repeat(50) + "." + "9876543210".repeat(50);

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @BeforeAll
    static void createTable() {
        TestingServers.postgres()
                .execute(
                        "CREATE EXTENSION IF NOT EXISTS citext",
                        "DROP TABLE IF EXISTS " + TABLE,
                        "DROP TYPE IF EXISTS fidelity_mood, fidelity_pair",
                        "DROP DOMAIN IF EXISTS fidelity_positive",
                        "CREATE TYPE fidelity_mood AS ENUM ('sad', 'ok', 'happy')",
                        "CREATE DOMAIN fidelity_positive AS int CHECK (VALUE > 0)",
                        "CREATE TYPE fidelity_pair AS (a int, b text)",
                        "CREATE TABLE " + TABLE + " (id int PRIMARY KEY, i2 smallint, i4 int, i8 bigint, num numeric,"
                                + " num_big numeric(1000, 500), r4 real, r8 double precision, cash money, flag boolean,"
                                + " t text, vc varchar(20), ch char(5), ci citext, bin bytea, u uuid, js json, jb jsonb,"
                                + " x xml, d date, tm time, tmtz timetz, ts timestamp, tstz timestamptz, iv interval,"
                                + " arr int[], arr2 text[][], e fidelity_mood, dom fidelity_positive, comp fidelity_pair,"
                                + " rng int4range, trng tstzrange, mrng int4multirange, ip inet, net cidr, mac macaddr,"
                                + " mac8 macaddr8, bits bit(4), vbits varbit, tsv tsvector, tsq tsquery, o oid,"
                                + " rc regclass, pt point, ln line, seg lseg, bx box, pth path, pg polygon, cir circle,"
                                + " lsn pg_lsn)",
                        "INSERT INTO " + TABLE + " VALUES (1, -32768, 2147483647, -9223372036854775808, 3.14159,"
                                + " '" + BIG + "', 1.5, 2.718281828459045, 1234.56, true, 'plain', 'varchar', 'ab',"
                                + " 'MiXeD', '\\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2]}',"
                                + " '{\"b\": {\"c\": null}}', '<r a=\"1\">x</r>', '2024-02-29', '23:59:59.999999',"
                                + " '12:00:00+05:30', '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789+02',"
                                + " '1 year 2 mons 3 days 04:05:06.7', '{1,NULL,3}', '{{a,NULL},{\"c,d\",\"e\\\"f\"}}',"
                                + " 'happy', 7, '(1,\"x, y\")', '[1,10)', '[2024-01-01 00:00+00,2024-02-01 00:00+00)',"
                                + " '{[1,3),[5,7)}', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03',"
                                + " '08:00:2b:01:02:03:04:05', B'1010', B'101', 'a fat cat', 'fat & cat', 42,"
                                + " 'pg_class', '(1.5,2)', '{1,-1,0}', '[(0,0),(1,1)]', '(2,2),(0,0)', '((0,0),(1,1),(2,0))',"
                                + " '((0,0),(1,1),(2,0))', '<(0,0),5>', '16/B374D848')",
                        "INSERT INTO " + TABLE + " (id, num, r4, r8, d, ts, tstz, t, vc, ch, arr, arr2, bin, js)"
                                + " VALUES (2, 'NaN', 'Infinity', '-Infinity', 'infinity', '-infinity',"
                                + " '0044-03-15 12:00:00+00 BC', E'a,b \"q\" \\\\ back\\nline ü ✓', '', ' ', '{}',"
                                + " '{{NULL,NULL}}', '', 'null')",
                        "INSERT INTO " + TABLE + " (id, num, d) VALUES (3, 'Infinity', '0044-03-15 BC')",
                        "INSERT INTO " + TABLE + " (id) VALUES (4)");
    }

    @Test
    void csvCarriesEveryFamilyAsPostgresqlRendersIt() throws Exception {
        String container = "tf-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON)
                .body(payload(container).toString())
                .post("/copy")
                .then()
                .statusCode(200)
                .body("rowsCopied", equalTo(4));

        assertThat(CsvReader.read(azurite.download(container, "", downloads), BaseCopyFunction.DUCKDB_DEFAULTS, "id"))
                .isEqualTo(Tables.postgresText(postgres, TABLE, columns(), "id"));
    }

    @Test
    void jsonKeepsNumbersExactAndWritesWhatJsonCannotHoldAsStrings() throws Exception {
        String container = "tf-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON)
                .body(BaseCopyFunction.json(payload(container), "setOfObjects").toString())
                .post("/copy")
                .then()
                .statusCode(200)
                .body("rowsCopied", equalTo(4));

        List<JsonNode> rows = new ArrayList<>();
        for (Path file : azurite.download(container, "", downloads)) {
            for (String line : Files.readAllLines(file)) {
                rows.add(JsonReader.MAPPER.readTree(line));
            }
        }
        rows.sort((a, b) -> Integer.compare(a.get("id").intValue(), b.get("id").intValue()));
        assertThat(rows).hasSize(4).allSatisfy(row -> assertThat(row.size())
                .isEqualTo(columns().size()));
        JsonNode ordinary = rows.get(0);
        assertThat(ordinary.get("i8").longValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(ordinary.get("num_big").decimalValue()).isEqualTo(new BigDecimal(BIG));
        assertThat(ordinary.get("flag").booleanValue()).isTrue();
        assertThat(ordinary.get("jb").get("b").get("c").isNull()).isTrue();
        assertThat(ordinary.get("arr2").get(1).get(0).textValue()).isEqualTo("c,d");
        assertThat(ordinary.get("comp").get("b").textValue()).isEqualTo("x, y");
        assertThat(ordinary.get("bin").textValue()).isEqualTo("\\x00ff10");
        JsonNode edges = rows.get(1);
        assertThat(edges.get("num").textValue()).isEqualTo("NaN");
        assertThat(edges.get("r4").textValue()).isEqualTo("Infinity");
        assertThat(edges.get("r8").textValue()).isEqualTo("-Infinity");
        assertThat(edges.get("t").textValue()).isEqualTo("a,b \"q\" \\ back\nline ü ✓");
        assertThat(edges.get("vc").textValue()).isEmpty();
        assertThat(edges.get("js").isNull()).isTrue();
        assertThat(rows.get(2).get("num").textValue()).isEqualTo("Infinity");
        rows.get(3).fields().forEachRemaining(field -> {
            if (!field.getKey().equals("id")) {
                assertThat(field.getValue().isNull()).as(field.getKey()).isTrue();
            }
        });
    }

    @Test
    void parquetTypesEachFamilyAndKeepsTheRestAsPostgresqlText() throws Exception {
        String container = "tf-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> columns = new ArrayList<>(columns());
        columns.remove("arr2");
        ObjectNode payload = BaseCopyFunction.parquet(payload(container), "snappy");
        payload.withObject("/activity/typeProperties/source")
                .put("query", "SELECT " + String.join(", ", columns) + " FROM " + TABLE + " WHERE id IN (1, 4)");
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(200)
                .body("rowsCopied", equalTo(2));

        List<Path> files = azurite.download(container, "", downloads);
        Map<String, String> types = ParquetReader.types(files);
        assertThat(types).containsKeys(columns.toArray(String[]::new)).hasSize(columns.size());
        Map<String, String> typed = Map.ofEntries(
                Map.entry("id", "INTEGER"),
                Map.entry("i2", "SMALLINT"),
                Map.entry("i4", "INTEGER"),
                Map.entry("i8", "BIGINT"),
                Map.entry("r4", "FLOAT"),
                Map.entry("r8", "DOUBLE"),
                Map.entry("flag", "BOOLEAN"),
                Map.entry("bin", "BLOB"),
                Map.entry("u", "UUID"),
                Map.entry("d", "DATE"),
                Map.entry("tm", "TIME"),
                Map.entry("ts", "TIMESTAMP"),
                Map.entry("tstz", "TIMESTAMP WITH TIME ZONE"),
                Map.entry("arr", "INTEGER[]"),
                Map.entry("o", "BIGINT"),
                Map.entry("dom", "INTEGER"));
        columns.forEach(
                column -> assertThat(types.get(column)).as(column).isEqualTo(typed.getOrDefault(column, "VARCHAR")));

        assertThat(
                        ParquetReader.rows(
                                files,
                                "SELECT i2::INTEGER, i4, i8, r4, r8, flag, hex(bin), u::VARCHAR, d::VARCHAR,"
                                        + " tm::VARCHAR, epoch_us(ts), epoch_us(tstz), to_json(arr)::VARCHAR, o, dom FROM FILES ORDER BY id"))
                .isEqualTo(Tables.postgresObjects(
                        postgres,
                        "SELECT i2, i4, i8, r4, r8, flag,"
                                + " upper(encode(bin, 'hex')), u::text, d::text, tm::text,"
                                + " (extract(epoch FROM ts) * 1000000)::bigint, (extract(epoch FROM tstz) * 1000000)::bigint,"
                                + " array_to_json(arr)::text, o::bigint, dom FROM " + TABLE
                                + " WHERE id IN (1, 4) ORDER BY id"));
        List<String> text =
                columns.stream().filter(column -> !typed.containsKey(column)).toList();
        assertThat(ParquetReader.rows(files, "SELECT " + String.join(", ", text) + " FROM FILES ORDER BY id"))
                .isEqualTo(Tables.postgresObjects(
                        postgres,
                        "SELECT "
                                + String.join(
                                        ", ",
                                        text.stream()
                                                .map(column -> "CASE WHEN " + column + " IS NOT NULL THEN format('%s', "
                                                        + column + ") END")
                                                .toList())
                                + " FROM " + TABLE
                                + " WHERE id IN (1, 4) ORDER BY id"));
    }

    @Test
    void avroTypesEachFamilyAsParquetDoesAndKeepsTheRestAsPostgresqlText() throws Exception {
        String container = "tf-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> columns = new ArrayList<>(columns());
        columns.remove("arr2");
        ObjectNode payload = payload(container);
        payload.withObject("/datasets/1/properties")
                .put("type", "Avro")
                .withObject("/typeProperties")
                .retain("location");
        payload.withObject("/activity/typeProperties/sink").put("type", "AvroSink");
        payload.withObject("/activity/typeProperties/sink/formatSettings")
                .put("type", "AvroWriteSettings")
                .remove("fileExtension");
        payload.withObject("/activity/typeProperties/source")
                .put(
                        "query",
                        "SELECT " + String.join(", ", columns) + " FROM " + TABLE + " WHERE id IN (1, 4) ORDER BY id");
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(200)
                .body("rowsCopied", equalTo(2));

        Path file = azurite.download(container, "", downloads).get(0);
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            Schema schema = reader.getSchema();
            Map<String, String> typed = Map.ofEntries(
                    Map.entry("id", "int"),
                    Map.entry("i2", "int"),
                    Map.entry("i4", "int"),
                    Map.entry("i8", "long"),
                    Map.entry("r4", "float"),
                    Map.entry("r8", "double"),
                    Map.entry("flag", "boolean"),
                    Map.entry("bin", "bytes"),
                    Map.entry("u", "string/uuid"),
                    Map.entry("d", "int/date"),
                    Map.entry("tm", "long/time-micros"),
                    Map.entry("ts", "long/local-timestamp-micros"),
                    Map.entry("tstz", "long/timestamp-micros"),
                    Map.entry("arr", "array"),
                    Map.entry("o", "long"),
                    Map.entry("dom", "int"));
            for (String column : columns) {
                Schema type = schema.getField(column).schema().getTypes().get(1);
                String name = type.getType().getName()
                        + (type.getLogicalType() == null
                                ? ""
                                : "/" + type.getLogicalType().getName());
                assertThat(name).as(column).isEqualTo(typed.getOrDefault(column, "string"));
            }
            List<String> text = columns.stream()
                    .filter(column -> !typed.containsKey(column))
                    .toList();
            List<List<Object>> read = new ArrayList<>();
            for (GenericRecord record : reader) {
                List<Object> row = new ArrayList<>();
                row.add(record.get("i8"));
                row.add(record.get("tstz"));
                row.add(
                        record.get("arr") == null
                                ? null
                                : record.get("arr").toString().replace(" ", ""));
                text.forEach(column -> row.add(
                        record.get(column) == null ? null : record.get(column).toString()));
                read.add(row);
            }
            assertThat(read)
                    .isEqualTo(Tables.postgresObjects(
                            postgres,
                            "SELECT i8,"
                                    + " (extract(epoch FROM tstz) * 1000000)::bigint, array_to_json(arr)::text, "
                                    + String.join(
                                            ", ",
                                            text.stream()
                                                    .map(column -> "CASE WHEN " + column
                                                            + " IS NOT NULL THEN format('%s', " + column + ") END")
                                                    .toList())
                                    + " FROM " + TABLE + " WHERE id IN (1, 4) ORDER BY id"));
        }
    }

    @Test
    void parquetRefusesWhatItCannotHoldNamingTheColumnAndWritesNothing() {
        String container = "tf-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode payload = BaseCopyFunction.parquet(payload(container), "snappy");
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("ValueNotRepresentable"))
                .body("message", org.hamcrest.Matchers.containsString("'arr2'"));
        payload.withObject("/activity/typeProperties/source")
                .put("query", "SELECT id, ts FROM " + TABLE + " WHERE id = 2");
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("'ts' holds an infinite timestamp"));
        payload.withObject("/activity/typeProperties/source").put("query", "SELECT 1 AS a, 2 AS a");
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("ParquetSchemaInvalid"));
        assertThat(
                        azurite.container(container).exists()
                                ? azurite.container(container).listBlobs()
                                : List.of())
                .isEmpty();
    }

    @Test
    void parquetDecimalsAreExactAtEveryPrecision() throws Exception {
        postgres.execute(
                "DROP TABLE IF EXISTS fidelity_decimals",
                "CREATE TABLE fidelity_decimals (id int, d5 numeric(5,2), d18 numeric(18,6), d38 numeric(38,10),"
                        + " d0 numeric(20,0))",
                "INSERT INTO fidelity_decimals VALUES (1, 999.99, 123456789012.345678,"
                        + " 9999999999999999999999999999.9999999999, 99999999999999999999),"
                        + " (2, -999.99, -0.000001, -0.0000000001, -1), (3, 0, 0, 0, 0), (4, 0.5, 10000, 1e27, 1e19),"
                        + " (5, NULL, NULL, NULL, NULL), (6, -0.01, -123.45, -1234567890.5, 12345678)");
        String container = "tf-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode payload = BaseCopyFunction.parquet(payload(container), "zstd");
        payload.withObject("/activity/typeProperties/source").put("query", "SELECT * FROM fidelity_decimals");
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(200);

        List<Path> files = azurite.download(container, "", downloads);
        assertThat(ParquetReader.types(files))
                .containsEntry("d5", "DECIMAL(5,2)")
                .containsEntry("d18", "DECIMAL(18,6)")
                .containsEntry("d38", "DECIMAL(38,10)")
                .containsEntry("d0", "DECIMAL(20,0)");
        assertThat(ParquetReader.rows(files, "SELECT id, d5, d18, d38, d0 FROM FILES ORDER BY id"))
                .isEqualTo(Tables.postgresObjects(postgres, "SELECT * FROM fidelity_decimals ORDER BY id"));
    }

    /** Every family, and numerics of every shape, byte for byte as the server's own row_to_json writes them. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "SELECT * FROM " + TABLE,
                "SELECT n, n::numeric(45, 10) AS scaled, -n AS negated, trunc(n) AS whole, n::float8 AS real"
                        + " FROM (VALUES (0::numeric), (0.00001), (-0.5), (123456789.123456789), (1e-20), (10000),"
                        + " (1e30), (-99999999.99990), (0.000), (12345678901234567890.5), (9999.9999)) v(n)"
            })
    void jsonIsByteForByteWhatRowToJsonWrites(String query) throws Exception {
        String container = "tf-" + UUID.randomUUID().toString().substring(0, 8);
        ObjectNode payload = BaseCopyFunction.json(payload(container), "setOfObjects");
        payload.withObject("/activity/typeProperties/source").put("query", query);
        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(200);

        List<String> written = new ArrayList<>();
        for (Path file : azurite.download(container, "", downloads)) {
            written.addAll(Files.readAllLines(file));
        }
        List<String> expected = new ArrayList<>();
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            try (ResultSet rows = statement.executeQuery("SELECT row_to_json(r)::text FROM (" + query + ") r")) {
                while (rows.next()) {
                    expected.add(rows.getString(1));
                }
            }
        }
        assertThat(written).hasSizeGreaterThan(3).containsExactlyInAnyOrderElementsOf(expected);
    }

    private ObjectNode payload(String container) {
        ObjectNode payload = Payloads.tableToCsv(TABLE, container, postgres, azurite.connectionString());
        payload.withObject("/activity/typeProperties/sink/formatSettings").remove("maxRowsPerFile");
        return payload;
    }

    private List<String> columns() throws Exception {
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT * FROM " + TABLE + " LIMIT 0")) {
            ResultSetMetaData metadata = rows.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= metadata.getColumnCount(); i++) {
                names.add(metadata.getColumnName(i));
            }
            return names;
        }
    }
}
