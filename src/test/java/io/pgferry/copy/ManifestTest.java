package io.pgferry.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.pgferry.contract.AvroFormat;
import io.pgferry.contract.CopyJob;
import io.pgferry.contract.JsonFormat;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.contract.WrittenFile;
import io.pgferry.payload.PayloadReader;
import io.pgferry.payload.SinkChecks;
import io.pgferry.sink.blob.BlobContainers;
import io.pgferry.source.postgres.SnapshotFacts;
import io.pgferry.source.postgres.SourceColumn;

/** The manifest of the sample copy: what was read (never the query's text or a secret), when, and every file. */
class ManifestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void itSaysWhatWasReadAtWhichPointAndEveryFileButNoSecret() throws Exception {
        CopyJob job = sampleCopy();
        Manifest.Read read = new Manifest.Read(
                List.of(new SourceColumn("id", "int8", 19, 0), new SourceColumn("customer", "text", 0, 0)),
                new SnapshotFacts("739:739:", "0/1A2B3C4"),
                Optional.of("00000003-0000001B-1"));
        List<WrittenFile> files = List.of(
                new WrittenFile("exports/shop/orders/orders_00000.csv", 40000, 4_200_000, "bWQ1"),
                new WrittenFile("exports/shop/orders/orders_00001.csv", 2, 210, null));

        JsonNode manifest = JSON.readTree(Manifest.write(
                job, read, files, Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:00:05Z")));

        assertThat(manifest.path("runId").asText()).isEqualTo("run-7");
        assertThat(manifest.path("status").asText()).isEqualTo("Succeeded");
        assertThat(manifest.at("/source/server").asText()).isEqualTo("127.0.0.1:54329");
        assertThat(manifest.at("/source/querySha256").asText()).hasSize(64);
        assertThat(manifest.at("/source/snapshot").asText()).isEqualTo("739:739:");
        assertThat(manifest.at("/source/walLsn").asText()).isEqualTo("0/1A2B3C4");
        assertThat(manifest.at("/source/exportedSnapshot").asText()).isEqualTo("00000003-0000001B-1");
        assertThat(manifest.at("/format/type").asText()).isEqualTo("DelimitedText");
        assertThat(manifest.at("/schema/columns/1/postgresType").asText()).isEqualTo("text");
        assertThat(manifest.at("/schema/sha256").asText()).hasSize(64);
        assertThat(manifest.path("files")).hasSize(2);
        assertThat(manifest.at("/files/0/md5").asText()).isEqualTo("bWQ1");
        assertThat(manifest.at("/files/1/md5").isMissingNode()).isTrue();
        assertThat(manifest.at("/totals/rows").asLong()).isEqualTo(40002);
        assertThat(manifest.at("/totals/bytes").asLong()).isEqualTo(4_200_210);
        String text = manifest.toString();
        assertThat(text).doesNotContain("pgferry-sample", "Eby8vdM02", "placed_at");
    }

    @Test
    void theSchemaHashChangesWithAColumnsType() throws Exception {
        CopyJob job = sampleCopy();
        SnapshotFacts facts = new SnapshotFacts("1:1:", "0/0");
        byte[] one = Manifest.write(
                job,
                new Manifest.Read(List.of(new SourceColumn("id", "int8", 0, 0)), facts, Optional.empty()),
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH);
        byte[] other = Manifest.write(
                job,
                new Manifest.Read(List.of(new SourceColumn("id", "int4", 0, 0)), facts, Optional.empty()),
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH);

        assertThat(JSON.readTree(one).at("/schema/sha256"))
                .isNotEqualTo(JSON.readTree(other).at("/schema/sha256"));
    }

    @Test
    void theQueryIsKnownByItsSha256AndTheSchemaByTheHashOfItsNamesAndTypes() throws Exception {
        CopyJob job = sampleCopy();
        List<SourceColumn> columns =
                List.of(new SourceColumn("id", "int8", 19, 0), new SourceColumn("placed at", "timestamptz", 0, 0));

        JsonNode manifest = JSON.readTree(Manifest.write(
                job,
                new Manifest.Read(columns, new SnapshotFacts("1:1:", "0/0"), Optional.empty()),
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH));

        assertThat(manifest.at("/source/querySha256").asText())
                .isEqualTo(sha256(job.source().query().orElseThrow()));
        assertThat(manifest.at("/schema/sha256").asText()).isEqualTo(sha256("id:int8\nplaced at:timestamptz\n"));
        assertThat(manifest.at("/source/table").isMissingNode()).isTrue();
        assertThat(manifest.at("/source/exportedSnapshot").isMissingNode()).isTrue();
    }

    @Test
    void aTableIsNamedQuotedAndNoQueryHashIsGiven() throws Exception {
        JsonNode manifest = JSON.readTree(Manifest.write(
                CopyJobs.sampleOfTable(),
                new Manifest.Read(List.of(), new SnapshotFacts("1:1:", "0/0"), Optional.empty()),
                List.of(),
                Instant.EPOCH,
                Instant.EPOCH));

        assertThat(manifest.at("/source/table").asText()).isEqualTo("\"public\".\"Orders\"");
        assertThat(manifest.at("/source/querySha256").isMissingNode()).isTrue();
        assertThat(manifest.at("/source/database").asText()).isEqualTo("pgferry");
    }

    @Test
    void aCopyWithoutFilesHasZeroTotalsAndItsTimesAsIsoText() throws Exception {
        JsonNode manifest = JSON.readTree(Manifest.write(
                sampleCopy(),
                new Manifest.Read(List.of(), new SnapshotFacts("1:1:", "0/0"), Optional.empty()),
                List.of(),
                Instant.parse("2026-12-01T10:00:00.123456Z"),
                Instant.parse("2026-12-01T10:00:01Z")));

        assertThat(manifest.path("manifestVersion").asInt()).isEqualTo(1);
        assertThat(manifest.path("activity").asText()).isEqualTo("CopyOrders");
        assertThat(manifest.path("startedAt").asText()).isEqualTo("2026-12-01T10:00:00.123456Z");
        assertThat(manifest.path("endedAt").asText()).isEqualTo("2026-12-01T10:00:01Z");
        assertThat(manifest.path("files")).isEmpty();
        assertThat(manifest.at("/totals/files").asLong()).isZero();
        assertThat(manifest.at("/totals/rows").asLong()).isZero();
        assertThat(manifest.at("/totals/bytes").asLong()).isZero();
        assertThat(manifest.at("/format/compression").asText()).isEqualTo("NONE");
        assertThat(manifest.at("/schema/columns")).isEmpty();
    }

    @Test
    void theFormatIsNamedAsAdfNamesItsDataset() throws Exception {
        CopyJob job = sampleCopy();

        assertThat(Manifest.formatType(job)).isEqualTo("DelimitedText");
        assertThat(Manifest.formatType(CopyJobs.withFormat(job, new JsonFormat(true))))
                .isEqualTo("Json");
        assertThat(Manifest.formatType(CopyJobs.withFormat(job, new ParquetFormat(ParquetFormat.Codec.SNAPPY))))
                .isEqualTo("Parquet");
        assertThat(Manifest.formatType(CopyJobs.withFormat(job, new AvroFormat(AvroFormat.Codec.NONE, 0))))
                .isEqualTo("Avro");
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static CopyJob sampleCopy() throws Exception {
        JsonNode payload = JSON.readTree(Path.of("examples/copy-orders.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) payload).put("runId", "run-7");
        return new PayloadReader(new SinkChecks(BlobContainers::connectionStringProblem, host -> Optional.empty()))
                .read(payload);
    }
}
