package io.pgferry.source.postgres;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.LookupJob;
import io.pgferry.error.CopyException;
import io.pgferry.error.ErrorCode;

/**
 * A Lookup activity's read, in its source session (read-only, one statement, the pipeline's snapshot): each row as
 * PostgreSQL's {@code row_to_json} renders it, so numbers stay numbers and timestamps read as ISO 8601, within ADF's
 * limits of 5,000 rows and 4 MB.
 */
public final class LookupQuery {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LookupQuery() {}

    /** ADF's Lookup output: {@code {"firstRow": {...}}} (absent without rows), or {@code {"count", "value"}}. */
    public static ObjectNode run(SourceSession session, LookupJob lookup) throws SQLException {
        String selectSql = lookup.source().orElseThrow().selectSql();
        SourceColumn.describe(session.leader(), selectSql);
        session.prepare(1);
        int limit = lookup.firstRowOnly() ? 1 : LookupJob.MAX_ROWS + 1;
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        long bytes = 0;
        try (PreparedStatement statement = session.leader()
                .prepareStatement("SELECT row_to_json(pgferry_lookup)::text FROM (" + selectSql
                        + "\n) AS pgferry_lookup LIMIT " + limit)) {
            statement.setFetchSize(256);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    String text = row.getString(1);
                    bytes += text.length();
                    if (rows.size() == LookupJob.MAX_ROWS || bytes > LookupJob.MAX_BYTES) {
                        throw CopyException.of(
                                ErrorCode.LookupTooLarge,
                                "the Lookup '" + lookup.activityName() + "' returns more than ADF's "
                                        + LookupJob.MAX_ROWS + " rows or 4 MB; narrow its query",
                                null);
                    }
                    rows.add(parse(text));
                }
            }
        }
        ReadOnlyCheck.assertNothingWritten(session.leader());
        return output(rows, lookup.firstRowOnly());
    }

    /** ADF's Lookup output of {@code rows}. */
    public static ObjectNode output(ArrayNode rows, boolean firstRowOnly) {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        if (firstRowOnly) {
            if (!rows.isEmpty()) {
                output.set("firstRow", rows.get(0));
            }
        } else {
            output.put("count", rows.size());
            output.set("value", rows);
        }
        return output;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("row_to_json gave no JSON", e);
        }
    }
}
