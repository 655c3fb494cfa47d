package io.pgferry.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.contract.CopyJob;
import io.pgferry.contract.ParquetFormat;
import io.pgferry.sink.blob.BlobContainers;

/** The payloads in examples/ are ones pgferry accepts, as the Logic App would send them. */
class ExamplesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theLogicAppSendsAPayloadPgferryAccepts() throws Exception {
        ObjectNode payload = (ObjectNode)
                MAPPER.readTree(Path.of("examples/logic-app-copy.json").toFile())
                        .at("/definition/parameters/copyPayload/defaultValue");
        // What the workflow's setProperty calls add.
        payload.putObject("parameters").put("day", "2026-11-23");
        payload.put("runId", "08584617209716547523885137561CU00");

        CopyJob job = new PayloadReader(
                        new SinkChecks(BlobContainers::connectionStringProblem, host -> Optional.empty()))
                .read(payload);

        assertThat(job.runId()).isEqualTo("08584617209716547523885137561CU00");
        assertThat(job.source().query())
                .hasValue("SELECT * FROM public.orders WHERE placed_at::date = DATE '2026-11-23'");
        assertThat(job.sink().location().folderPath()).isEqualTo("orders/day=2026-11-23");
        assertThat(job.sink().format()).isEqualTo(new ParquetFormat(ParquetFormat.Codec.SNAPPY));
    }
}
