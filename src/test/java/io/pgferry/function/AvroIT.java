package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.Payloads;
import io.pgferry.testing.Tables;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Avro container files read back with Avro's own reader (its snappy codec included): the schema's types and every
 * value compared with PostgreSQL's, for each codec.
 */
@QuarkusTest
class AvroIT {
    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "deflate", "snappy"})
    void writesTypedRecordsWithEveryCodec(String codec) throws Exception {
        String table = "avro_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int, name text, amount numeric(12,2), ratio float8,"
                        + " flag boolean, born date, seen timestamptz, at timestamp, u uuid, tags int[], doc jsonb)",
                "INSERT INTO " + table + " SELECT i, CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 THEN ''"
                        + " ELSE 'n ' || i || E' \\u00fc\\n\"q\"' END, CASE WHEN i % 11 = 0 THEN NULL"
                        + " ELSE (i * 1.25 - 1000)::numeric(12,2) END, CASE WHEN i % 13 = 0 THEN 'NaN' ELSE i / 3.0 END,"
                        + " i % 2 = 0, DATE '1969-12-25' + i, TIMESTAMPTZ '2024-03-10 01:30:00+02' + i * INTERVAL '17 min',"
                        + " TIMESTAMP '1999-12-31 23:59:59.5' + i * INTERVAL '1 day', md5(i::text)::uuid,"
                        + " ARRAY[i, NULL, -i], jsonb_build_object('i', i) FROM generate_series(1, 1500) i");
        String container = "a-" + suffix();
        ObjectNode payload = payload(table, container);
        ObjectNode dataset = payload.withObject("/datasets/1/properties");
        dataset.put("type", "Avro");
        dataset.withObject("/typeProperties").retain("location");
        dataset.withObject("/typeProperties").put("avroCompressionCodec", codec).put("avroCompressionLevel", 3);
        payload.withObject("/activity/typeProperties/sink").put("type", "AvroSink");
        payload.withObject("/activity/typeProperties/sink/formatSettings")
                .put("type", "AvroWriteSettings")
                .remove("fileExtension");

        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(200)
                .body("files.path[0]", equalTo(container + "/exports/orders/orders_00000.avro"))
                .body("filesWritten", equalTo(2));

        List<List<Object>> rows = new ArrayList<>();
        for (Path file : azurite.download(container, "", downloads)) {
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                assertThat(reader.getMetaString("avro.codec")).isEqualTo(codec.equals("none") ? "null" : codec);
                Schema schema = reader.getSchema();
                assertThat(type(schema, "amount").getLogicalType()).isEqualTo(LogicalTypes.decimal(12, 2));
                assertThat(type(schema, "born").getLogicalType()).isEqualTo(LogicalTypes.date());
                assertThat(type(schema, "seen").getLogicalType()).isEqualTo(LogicalTypes.timestampMicros());
                assertThat(type(schema, "at").getLogicalType()).isEqualTo(LogicalTypes.localTimestampMicros());
                assertThat(type(schema, "u").getLogicalType()).isEqualTo(LogicalTypes.uuid());
                assertThat(type(schema, "tags").getType()).isEqualTo(Schema.Type.ARRAY);
                for (GenericRecord record : reader) {
                    List<Object> row = new ArrayList<>();
                    row.add(record.get("id"));
                    row.add(text(record.get("name")));
                    row.add(
                            record.get("amount") == null
                                    ? null
                                    : new BigDecimal(new BigInteger(bytes((ByteBuffer) record.get("amount"))), 2));
                    row.add(record.get("ratio"));
                    row.add(record.get("flag"));
                    row.add(record.get("born") == null ? null : ((Integer) record.get("born")).longValue());
                    row.add(record.get("seen"));
                    row.add(record.get("at"));
                    row.add(text(record.get("u")));
                    row.add(
                            record.get("tags") == null
                                    ? null
                                    : record.get("tags").toString().replace(" ", ""));
                    row.add(text(record.get("doc")));
                    rows.add(row);
                }
            }
        }
        rows.sort((a, b) -> Integer.compare((Integer) a.get(0), (Integer) b.get(0)));
        assertThat(rows)
                .isEqualTo(Tables.postgresObjects(
                        postgres,
                        "SELECT id, name, amount, ratio, flag,"
                                + " (born - DATE '1970-01-01')::bigint, (extract(epoch FROM seen) * 1000000)::bigint,"
                                + " (extract(epoch FROM at) * 1000000)::bigint, u::text, array_to_json(tags)::text,"
                                + " doc::text FROM " + table + " ORDER BY id"));
    }

    @Test
    void columnNamesAvroRefusesAreNamedAndNothingIsWritten() {
        String container = "a-" + suffix();
        ObjectNode payload = payload("unused", container);
        payload.withObject("/datasets/1/properties")
                .put("type", "Avro")
                .withObject("/typeProperties")
                .retain("location");
        payload.withObject("/activity/typeProperties/sink").put("type", "AvroSink");
        payload.withObject("/activity/typeProperties/sink/formatSettings")
                .put("type", "AvroWriteSettings")
                .remove("fileExtension");
        payload.withObject("/activity/typeProperties/source").put("query", "SELECT 1 AS ok, 2 AS \"has space\"");

        given().contentType(ContentType.JSON)
                .body(payload.toString())
                .post("/copy")
                .then()
                .statusCode(400)
                .body("errorCode", equalTo("AvroSchemaInvalid"))
                .body("message", containsString("has space"));
        assertThat(azurite.container(container).exists()).isFalse();
    }

    private static Schema type(Schema record, String field) {
        return record.getField(field).schema().getTypes().get(1);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private ObjectNode payload(String table, String container) {
        return Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
    }
}
