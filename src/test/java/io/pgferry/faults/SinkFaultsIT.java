package io.pgferry.faults;

import static io.pgferry.faults.FaultFixtures.MB;
import static io.pgferry.faults.FaultFixtures.ROWS;
import static io.pgferry.faults.FaultFixtures.assertComplete;
import static io.pgferry.faults.FaultFixtures.assertFailed;
import static io.pgferry.faults.FaultFixtures.assertNoMixOfRuns;
import static io.pgferry.faults.FaultFixtures.assertUnchanged;
import static io.pgferry.faults.FaultFixtures.post;
import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.faults.FaultFixtures.Entry;
import io.pgferry.faults.FaultFixtures.Sink;
import io.pgferry.testing.FaultProxy;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Sink faults (issue 14, all or nothing): the Blob linked service's BlobEndpoint is a {@link FaultProxy} in front of
 * Azurite, which resets connections, answers block uploads or block-list commits with 500 or 503, or stops accepting,
 * at exact points of the upload (proxy triggers and request predicates, not sleeps). A fault the SDK's retries
 * absorb must leave the complete output; one they do not must fail the copy cleanly and leave the container exactly
 * as it was (or, over an earlier run's files, never a mix of runs presented as complete).
 */
@QuarkusTest
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SinkFaultsIT {
    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();
    private FaultProxy proxy;
    private String table;

    @BeforeEach
    void startProxy() {
        table = FaultFixtures.table(postgres);
        proxy = FaultProxy.http(FaultFixtures.blobPort(azurite));
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /** The whole table into {@code container} through the proxy; 3 chunks of 100,000 rows, 4 MB blocks. */
    private ObjectNode payload(String container) {
        return FaultFixtures.payload(
                postgres.odbcConnectionString(), FaultFixtures.throughProxy(azurite, proxy), table, container);
    }

    /**
     * The "ready" signal: Blob Storage raises BlobCreated when a blob is committed, so the manifest's commit must come
     * after every data file's, and be the copy's last write (Azurite has no Event Grid: the order of commits is what
     * the proxy saw).
     */
    @Test
    void theManifestIsCommittedAfterEveryFileAndLast() {
        String container = "kf-" + suffix();

        Response answer = post(payload(container));

        assertThat(answer.statusCode()).as(answer.asString()).isEqualTo(200);
        List<String> commits = proxy.requests().stream()
                .filter(FaultProxy.blockListCommit())
                .map(FaultProxy.Request::path)
                .toList();
        List<String> writes = proxy.requests().stream()
                .filter(request -> request.method().equals("PUT"))
                .map(FaultProxy.Request::path)
                .toList();
        assertThat(commits).hasSize(4).last().asString().endsWith("_manifest.json");
        assertThat(commits.subList(0, 3)).allSatisfy(path -> assertThat(path).doesNotEndWith("_manifest.json"));
        assertThat(writes.get(writes.size() - 1)).endsWith("_manifest.json");
    }

    @Test
    void connectionsResetOnceMidUploadAreRetriedAndTheOutputIsComplete() {
        String container = "kf-" + suffix();
        proxy.whenBytesToTarget(MB, FaultProxy::resetAll);

        Response answer = post(payload(container));

        assertThat(proxy.resets()).as("connections the proxy reset mid-upload").isPositive();
        assertComplete(FaultFixtures.blob(azurite, container), answer, ROWS);
    }

    @Test
    void aBurstOf503OnBlockUploadsIsRetriedAndTheOutputIsComplete() {
        String container = "kf-" + suffix();
        // The first attempt at each of the first six blocks; each block's retry goes through.
        FaultProxy.Rule busy =
                proxy.answer(503, FaultProxy.blockUpload()).oncePerTarget().times(6);

        Response answer = post(payload(container));

        assertThat(busy.answered()).as("block uploads answered 503").isEqualTo(6);
        assertComplete(FaultFixtures.blob(azurite, container), answer, ROWS);
    }

    @Test
    void blockUploadsThatAlwaysFailFailTheCopyWithNothingVisible() {
        String container = "kf-" + suffix();
        Sink sink = FaultFixtures.blob(azurite, container);
        Map<String, Entry> before = sink.state();
        FaultProxy.Rule failing = proxy.answer(500, FaultProxy.blockUpload());

        Response answer = post(payload(container));

        assertThat(failing.answered()).as("block uploads answered 500").isPositive();
        assertFailed(answer, 502, "SystemError", "SinkWriteFailed");
        assertUnchanged(sink, before);
        assertThat(proxy.requests(FaultProxy.blockListCommit()))
                .as("block lists committed")
                .isZero();
    }

    /**
     * Every block is staged, the first chunk is committed, the second chunk's commit fails (every retry of it): the
     * copy fails, and the container must hold what it held before. pgferry committing chunk by chunk without undoing
     * the first leaves it visible (issue 14's fix: a publication failing part-way deletes what it committed).
     */
    @Test
    void aCommitFailingForTheSecondChunkLeavesTheContainerAsItWas() {
        String container = "kf-" + suffix();
        Sink sink = FaultFixtures.blob(azurite, container);
        Map<String, Entry> before = sink.state();
        FaultProxy.Rule second = proxy.answer(500, FaultProxy.nthDistinctPath(2, FaultProxy.blockListCommit()));

        Response answer = post(payload(container));

        assertThat(second.answered())
                .as("commits of the second chunk answered 500")
                .isPositive();
        assertFailed(answer, 502, "SystemError", "SinkWriteFailed");
        assertUnchanged(sink, before);
    }

    /**
     * The same over an earlier run's files of the same names (and its manifest, once there is one): the failed run
     * may leave the earlier output, or part of it without a manifest, but never a file of its own, nor a mix of runs
     * that a manifest presents as complete.
     */
    @Test
    void aCommitFailingForTheSecondChunkOverAnEarlierRunNeverLeavesAMixOfRuns() {
        String container = "kf-" + suffix();
        Sink sink = FaultFixtures.blob(azurite, container);
        ObjectNode earlier = payload(container);
        earlier.put("runId", "earlier-" + suffix());
        assertComplete(sink, post(earlier), ROWS);
        Map<String, Entry> before = sink.state();
        assertThat(before.values())
                .extracting(Entry::runId)
                .containsOnly(earlier.path("runId").asText());

        String later = "later-" + suffix();
        ObjectNode failing = payload(container);
        failing.put("runId", later);
        FaultProxy.Rule second = proxy.answer(500, FaultProxy.nthDistinctPath(2, FaultProxy.blockListCommit()));
        Response answer = post(failing);

        assertThat(second.answered())
                .as("commits of the second chunk answered 500")
                .isPositive();
        assertFailed(answer, 502, "SystemError", "SinkWriteFailed");
        assertNoMixOfRuns(sink, before, later);
    }

    /**
     * Azurite goes away mid-upload (the proxy refuses new connections and resets the open ones, as a stopped
     * emulator would): the SDK's retries fail, the copy fails as an unreachable sink with nothing visible, and once
     * Azurite is back the next copy succeeds.
     */
    @Test
    void azuriteStoppedMidUploadFailsTheCopyWithNothingVisibleAndTheNextCopySucceeds() {
        String container = "kf-" + suffix();
        Sink sink = FaultFixtures.blob(azurite, container);
        Map<String, Entry> before = sink.state();
        proxy.whenBytesToTarget(MB, stopped -> {
            stopped.refuse();
            stopped.resetAll();
        });

        Response answer = post(payload(container));

        assertThat(proxy.refusing()).isTrue();
        assertFailed(answer, 502, "SystemError", "SinkUnreachable");
        assertUnchanged(sink, before);

        proxy.passThrough();
        String next = "kf-" + suffix();
        assertComplete(FaultFixtures.blob(azurite, next), post(payload(next)), ROWS);
    }
}
