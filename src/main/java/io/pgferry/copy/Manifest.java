package io.pgferry.copy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.AvroFormat;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.contract.PostgresSource;
import io.pgferry.contract.WrittenFile;
import io.pgferry.source.postgres.SnapshotFacts;
import io.pgferry.source.postgres.SourceColumn;

/**
 * The manifest a copy writes beside its files once all of them are committed: its presence means the output is
 * complete. It says what was read (server, database, table or the query's SHA-256, never a secret), at which point of
 * the database's history (transaction snapshot, WAL position, the exported snapshot the slices shared), the columns
 * and their hash, and every file with its rows, bytes and MD5.
 */
final class Manifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifest() {}

    /** What the source told about the read, gathered while the copy ran. */
    record Read(List<SourceColumn> columns, SnapshotFacts facts, Optional<String> exportedSnapshot) {}

    static byte[] write(CopyJob job, Read read, List<WrittenFile> files, Instant startedAt, Instant endedAt) {
        ObjectNode manifest = JSON.createObjectNode()
                .put("manifestVersion", 1)
                .put("runId", job.runId())
                .put("activity", job.activityName())
                .put("status", "Succeeded")
                .put("startedAt", startedAt.toString())
                .put("endedAt", endedAt.toString());
        PostgresSource source = job.source();
        ObjectNode from = manifest.putObject("source")
                .put("type", "PostgreSql")
                .put(
                        "server",
                        source.connection().host() + ":" + source.connection().port())
                .put("database", source.connection().database());
        source.query()
                .ifPresentOrElse(
                        query -> from.put("querySha256", sha256(query)),
                        () -> from.put("table", source.table().orElseThrow().quoted()));
        from.put("snapshot", read.facts().snapshot()).put("walLsn", read.facts().walLsn());
        read.exportedSnapshot().ifPresent(id -> from.put("exportedSnapshot", id));
        manifest.putObject("format")
                .put("type", formatType(job))
                .put("compression", job.sink().compression().codec().name());
        ObjectNode schema = manifest.putObject("schema");
        ArrayNode columns = schema.putArray("columns");
        StringBuilder described = new StringBuilder();
        for (SourceColumn column : read.columns()) {
            columns.addObject().put("name", column.name()).put("postgresType", column.typeName());
            described
                    .append(column.name())
                    .append(':')
                    .append(column.typeName())
                    .append('\n');
        }
        schema.put("sha256", sha256(described.toString()));
        ArrayNode list = manifest.putArray("files");
        files.forEach(file -> {
            ObjectNode entry = list.addObject()
                    .put("path", file.path())
                    .put("rows", file.rows())
                    .put("bytes", file.bytes());
            if (file.md5() != null) {
                entry.put("md5", file.md5());
            }
        });
        manifest.putObject("totals")
                .put("files", files.size())
                .put("rows", files.stream().mapToLong(WrittenFile::rows).sum())
                .put("bytes", files.stream().mapToLong(WrittenFile::bytes).sum());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a manifest", e);
        }
    }

    static String formatType(CopyJob job) {
        return job.sink().format() instanceof JsonFormat
                ? "Json"
                : job.sink().format() instanceof ParquetFormat
                        ? "Parquet"
                        : job.sink().format() instanceof AvroFormat ? "Avro" : "DelimitedText";
    }

    static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
