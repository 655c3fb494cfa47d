package io.pgferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Copy payloads from {@code src/test/resources/payloads}, with {@code ${NAME}} placeholders filled in. */
public final class Payloads {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Payloads() {}

    /** The table-to-CSV copy most tests start from ({@code valid/table-to-csv-chunks.json}) between these servers. */
    public static ObjectNode tableToCsv(
            String table, String container, TestingPostgres postgres, String blobConnectionString) {
        return load(
                "valid/table-to-csv-chunks.json",
                Map.of(
                        "TABLE",
                        table,
                        "CONTAINER",
                        container,
                        "PG_CONNECTION",
                        postgres.odbcConnectionString(),
                        "BLOB_CONNECTION",
                        blobConnectionString));
    }

    public static ObjectNode load(String resource, Map<String, String> values) {
        try (InputStream in = Payloads.class.getResourceAsStream("/payloads/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no payload " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> value : values.entrySet()) {
                String json = MAPPER.writeValueAsString(value.getValue());
                text = text.replace("${" + value.getKey() + "}", json.substring(1, json.length() - 1));
            }
            return (ObjectNode) MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
