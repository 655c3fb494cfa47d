package io.pgferry.function;

import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.testing.CsvReader;
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
 * The Copy activity's {@code translator} (mappings, the legacy {@code columnMappings}, type conversion) and the
 * source's {@code additionalColumns}, in every format, read back by DuckDB, Jackson and Avro's reader.
 */
@QuarkusTest
class ColumnMappingIT {
    private static final String MAPPINGS = "/activity/typeProperties/translator/mappings";

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();

    @TempDir
    Path downloads;

    @Test
    void csvWritesOnlyTheMappedColumnsInMappingOrderUnderTheirSinkNames() throws Exception {
        String table = table(120);
        String container = container();
        ObjectNode payload = payload(table, container);
        translator(payload, mapping("name", "customer"), mapping("id", "order_id"));

        post(payload).statusCode(200).body("rowsCopied", equalTo(120));

        List<Path> files = azurite.download(container, "exports", downloads);
        assertThat(CsvReader.header(files.get(0), BaseCopyFunction.DUCKDB_DEFAULTS))
                .containsExactly("customer", "order_id");
        List<List<String>> rows = CsvReader.read(files, BaseCopyFunction.DUCKDB_DEFAULTS, "order_id::int");
        assertThat(rows).hasSize(120);
        assertThat(rows.get(6)).containsExactly("name 7", "7");
    }

    @Test
    void additionalColumnsComeAfterTheSourceColumns() throws Exception {
        String table = table(50);
        String container = container();
        ObjectNode payload = payload(table, container);
        payload.put("runId", "run-" + suffix());
        ArrayNode additional =
                payload.withObject("/activity/typeProperties/source").putArray("additionalColumns");
        additional.addObject().put("name", "source_system").put("value", "crm");
        additional.addObject().put("name", "run").put("value", "@pipeline().RunId");
        additional
                .addObject()
                .put("name", "loaded")
                .putObject("value")
                .put("type", "Expression")
                .put("value", "@formatDateTime(utcnow(), 'yyyy-MM-dd')");
        additional.addObject().put("name", "amount_copy").put("value", "$$COLUMN:amount");
        additional.addObject().put("name", "quote'\"; DROP TABLE x").put("value", "it's \"quoted\"; --");

        post(payload).statusCode(200);

        List<Path> files = azurite.download(container, "exports", downloads);
        assertThat(CsvReader.header(files.get(0), BaseCopyFunction.DUCKDB_DEFAULTS))
                .containsExactly(
                        "id",
                        "name",
                        "amount",
                        "flag",
                        "source_system",
                        "run",
                        "loaded",
                        "amount_copy",
                        "quote'\"; DROP TABLE x");
        List<List<String>> rows = CsvReader.read(files, BaseCopyFunction.DUCKDB_DEFAULTS, "id::int");
        assertThat(rows.get(9).subList(4, 9))
                .containsExactly(
                        "crm",
                        payload.get("runId").asText(),
                        java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(),
                        rows.get(9).get(2),
                        "it's \"quoted\"; --");
        try (var connection = postgres.connect();
                var statement = connection.createStatement();
                var count = statement.executeQuery("SELECT count(*) FROM " + table)) {
            count.next();
            assertThat(count.getLong(1)).isEqualTo(50);
        }
    }

    @Test
    void parquetTakesTheSinkNamesTypesAndBooleansAsNumbers() throws Exception {
        String table = table(300);
        String container = container();
        ObjectNode payload = BaseCopyFunction.parquet(payload(table, container), "snappy");
        ObjectNode translator = translator(
                payload,
                mapping("id", "OrderId", "Int64"),
                mapping("flag", "IsPaid"),
                mapping("amount", "Amount", "String"),
                mapping("tag", "Tag"));
        translator.put("typeConversion", true);
        translator
                .putObject("typeConversionSettings")
                .put("allowDataTruncation", true)
                .put("treatBooleanAsNumber", true);
        payload.withObject("/activity/typeProperties/source")
                .putArray("additionalColumns")
                .addObject()
                .put("name", "tag")
                .put("value", "nightly");

        post(payload).statusCode(200);

        List<Path> files = azurite.download(container, "exports", downloads);
        assertThat(ParquetReader.types(files))
                .containsExactly(
                        Map.entry("OrderId", "BIGINT"),
                        Map.entry("IsPaid", "INTEGER"),
                        Map.entry("Amount", "VARCHAR"),
                        Map.entry("Tag", "VARCHAR"));
        assertThat(ParquetReader.rows(files, "SELECT * FROM FILES WHERE \"OrderId\" = 4"))
                .containsExactly(List.of(4L, 1, "5.00", "nightly"));
    }

    @Test
    void jsonAndAvroTakeTheSinkNames() throws Exception {
        String table = table(40);
        String json = container();
        ObjectNode payload = BaseCopyFunction.json(payload(table, json), "setOfObjects");
        translator(payload, mapping("id", "key"), mapping("name", "label"));
        post(payload).statusCode(200);
        List<Path> files = azurite.download(json, "exports", downloads);
        JsonNode first =
                JsonReader.MAPPER.readTree(Files.readAllLines(files.get(0)).get(0));
        assertThat(first.properties().stream().map(Map.Entry::getKey).toList()).containsExactly("key", "label");

        String avro = container();
        payload = payload(table, avro);
        ObjectNode dataset = payload.withObject("/datasets/1/properties");
        dataset.put("type", "Avro");
        dataset.withObject("/typeProperties").retain("location");
        payload.withObject("/activity/typeProperties/sink").put("type", "AvroSink");
        payload.withObject("/activity/typeProperties/sink/formatSettings")
                .put("type", "AvroWriteSettings")
                .remove("fileExtension");
        translator(payload, mapping("name", "label"), mapping("id", "key"));
        post(payload).statusCode(200);
        Map<Object, Object> labels = new LinkedHashMap<>();
        List<String> fields = new ArrayList<>();
        for (Path file : azurite.download(avro, "exports", downloads)) {
            try (DataFileReader<GenericRecord> reader =
                    new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                reader.getSchema().getFields().forEach(field -> fields.add(field.name()));
                reader.forEach(record ->
                        labels.put(record.get("key"), record.get("label").toString()));
            }
        }
        assertThat(fields).startsWith("label", "key");
        assertThat(labels).hasSize(40).containsEntry(12, "name 12");
    }

    @Test
    void theLegacyColumnMappingsStringAndATranslatorExpressionAreRead() throws Exception {
        String table = table(10);
        String legacy = container();
        ObjectNode payload = payload(table, legacy);
        payload.withObject("/activity/typeProperties/translator")
                .put("type", "TabularTranslator")
                .put("columnMappings", "amount: total, id: ref");
        post(payload).statusCode(200);
        assertThat(CsvReader.header(
                        azurite.download(legacy, "exports", downloads).get(0), BaseCopyFunction.DUCKDB_DEFAULTS))
                .containsExactly("total", "ref");

        String expression = container();
        payload = payload(table, expression);
        ObjectNode mappingParameter = payload.putObject("parameters").putObject("mapping");
        mappingParameter.put("type", "TabularTranslator");
        mappingParameter.putArray("mappings").add(mapping("flag", "paid"));
        payload.withObject("/activity/typeProperties")
                .putObject("translator")
                .put("type", "Expression")
                .put("value", "@pipeline().parameters.mapping");
        post(payload).statusCode(200);
        assertThat(CsvReader.header(
                        azurite.download(expression, "exports", downloads).get(0), BaseCopyFunction.DUCKDB_DEFAULTS))
                .containsExactly("paid");
    }

    @Test
    void slicesReadInParallelAreEachProjected() throws Exception {
        String table = table(20_000);
        postgres.execute("ANALYZE " + table);
        String container = container();
        ObjectNode payload = payload(table, container);
        payload.withObject("/activity/typeProperties").put("parallelCopies", 64);
        translator(payload, mapping("id", "n"));
        payload.withObject("/activity/typeProperties/source")
                .putArray("additionalColumns")
                .addObject()
                .put("name", "batch")
                .put("value", "b1");

        post(payload).statusCode(200).body("rowsCopied", equalTo(20_000)).body("usedParallelCopies", equalTo(8));

        List<Path> files = azurite.download(container, "exports", downloads);
        assertThat(files.size()).isGreaterThan(1);
        for (Path file : files) {
            assertThat(CsvReader.header(file, BaseCopyFunction.DUCKDB_DEFAULTS)).containsExactly("n");
        }
        assertThat(CsvReader.read(files, BaseCopyFunction.DUCKDB_DEFAULTS, "n::int"))
                .hasSize(20_000);
    }

    @Test
    void aMappingOfAColumnTheSourceLacksIsRefusedBeforeAnythingIsWritten() throws Exception {
        String table = table(10);
        String container = container();
        ObjectNode payload = payload(table, container);
        translator(payload, mapping("id", "id"), mapping("nope", "x"));

        post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("ColumnMappingInvalid"))
                .body("details[0].pointer", equalTo(MAPPINGS + "/1/source/name"))
                .body("details[0].reason", containsString("'nope'"));
        assertThat(azurite.container(container).exists()
                        && azurite.container(container).listBlobs().iterator().hasNext())
                .isFalse();

        ObjectNode sameName = payload(table, container);
        sameName.withObject("/activity/typeProperties/source")
                .putArray("additionalColumns")
                .addObject()
                .put("name", "name")
                .put("value", "x");
        post(sameName)
                .statusCode(400)
                .body("errorCode", equalTo("ColumnMappingInvalid"))
                .body("details[0].pointer", equalTo("/activity/typeProperties/source/additionalColumns/0/value"));
    }

    @Test
    void whatAMappingCannotBeIsRefusedWithItsPointer() {
        String table = table(3);
        ObjectNode payload = payload(table, container());
        ObjectNode translator = translator(payload, mapping("id", "a", "Int128"), mapping("name", "a"));
        translator
                .putObject("typeConversionSettings")
                .put("dateTimeFormat", "yyyy-MM-dd")
                .put("culture", "de-DE");
        ArrayNode additional =
                payload.withObject("/activity/typeProperties/source").putArray("additionalColumns");
        additional.addObject().put("name", "file").put("value", "$$FILEPATH");
        additional.addObject().put("name", "x".repeat(64)).put("value", "v");

        String body = post(payload)
                .statusCode(400)
                .body("errorCode", equalTo("InvalidPayload"))
                .extract()
                .asString();
        assertThat(body)
                .contains(MAPPINGS + "/0/sink/type")
                .contains(MAPPINGS + "/1/sink/name")
                .contains("/activity/typeProperties/translator/typeConversionSettings/dateTimeFormat")
                .contains("/activity/typeProperties/translator/typeConversionSettings/culture")
                .contains("/activity/typeProperties/source/additionalColumns/0/value")
                .contains("/activity/typeProperties/source/additionalColumns/1/name");
    }

    // ---- fixtures ---------------------------------------------------------------------------------------------

    private static ObjectNode translator(ObjectNode payload, ObjectNode... mappings) {
        ObjectNode translator = payload.withObject("/activity/typeProperties/translator");
        translator.put("type", "TabularTranslator");
        ArrayNode array = translator.putArray("mappings");
        for (ObjectNode mapping : mappings) {
            array.add(mapping);
        }
        return translator;
    }

    private static ObjectNode mapping(String source, String sink) {
        ObjectNode mapping = JsonReader.MAPPER.createObjectNode();
        mapping.putObject("source").put("name", source);
        mapping.putObject("sink").put("name", sink);
        return mapping;
    }

    private static ObjectNode mapping(String source, String sink, String type) {
        ObjectNode mapping = mapping(source, sink);
        mapping.withObject("/sink").put("type", type);
        return mapping;
    }

    private String table(int rows) {
        String table = "mapped_" + suffix();
        postgres.execute(
                "CREATE TABLE " + table + " (id int PRIMARY KEY, name text, amount numeric(10,2), flag boolean)",
                "INSERT INTO " + table + " SELECT i, 'name ' || i, i * 1.25, i % 2 = 0 FROM generate_series(1, " + rows
                        + ") i");
        return table;
    }

    private ObjectNode payload(String table, String container) {
        ObjectNode payload = Payloads.tableToCsv(table, container, postgres, azurite.connectionString());
        payload.withObject("/activity/typeProperties/sink/formatSettings").remove("maxRowsPerFile");
        return payload;
    }

    private static ValidatableResponse post(ObjectNode body) {
        return Requests.postJson("/copy", body);
    }

    private static String container() {
        return "m-" + suffix();
    }
}
