package io.pgferry.faults;

import static io.pgferry.faults.FaultFixtures.EVENT_GUARD;
import static io.pgferry.faults.FaultFixtures.MB;
import static io.pgferry.faults.FaultFixtures.ROWS;
import static io.pgferry.faults.FaultFixtures.answer;
import static io.pgferry.faults.FaultFixtures.assertComplete;
import static io.pgferry.faults.FaultFixtures.assertFailed;
import static io.pgferry.faults.FaultFixtures.assertNoBackendLeaks;
import static io.pgferry.faults.FaultFixtures.assertUnchanged;
import static io.pgferry.faults.FaultFixtures.awaitCopying;
import static io.pgferry.faults.FaultFixtures.backends;
import static io.pgferry.faults.FaultFixtures.source;
import static io.pgferry.faults.FaultFixtures.start;
import static io.pgferry.faults.FaultFixtures.terminate;
import static io.pgferry.testing.Names.suffix;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pgferry.faults.FaultFixtures.Backend;
import io.pgferry.faults.FaultFixtures.Entry;
import io.pgferry.faults.FaultFixtures.Sink;
import io.pgferry.testing.FaultProxy;
import io.pgferry.testing.TestingAzurite;
import io.pgferry.testing.TestingPostgres;
import io.pgferry.testing.TestingServers;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Source faults (issue 14, all or nothing): pgferry reads PostgreSQL through a {@link FaultProxy} (the linked
 * service's server and port are the proxy's), and the test breaks the connection at an exact point of the stream (a
 * proxy trigger after the first MB of the COPY, not a sleep). Each scenario asserts the answer (status, errorCode,
 * failureType), that the sink holds exactly what it held before (no file, no {@code .partial}), that the NEXT copy on
 * the same linked service (the same pool) succeeds with complete output, and that no backend that came through the
 * proxy is left busy in pg_stat_activity.
 */
@QuarkusTest
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SourceFaultsIT {
    enum SinkKind {
        BLOB,
        FILE_SERVER
    }

    private final TestingPostgres postgres = TestingServers.postgres();
    private final TestingAzurite azurite = TestingServers.azurite();
    private FaultProxy proxy;
    private String table;

    @TempDir
    Path temp;

    @BeforeEach
    void startProxy() {
        table = FaultFixtures.table(postgres);
        proxy = FaultProxy.tcp(postgres.port());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    /** A copy of the whole table through the proxy into a fresh container or folder. */
    private record Target(ObjectNode payload, Sink sink) {}

    private Target target(SinkKind kind) {
        String container = "sf-" + suffix();
        ObjectNode payload = FaultFixtures.payload(
                FaultFixtures.throughProxy(postgres, proxy), azurite.connectionString(), table, container);
        if (kind == SinkKind.FILE_SERVER) {
            Path root = temp.resolve("share-" + suffix());
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new Target(FaultFixtures.toFileServer(payload, root), FaultFixtures.folder(root));
        }
        return new Target(payload, FaultFixtures.blob(azurite, container));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SinkKind.class)
    void aBackendTerminatedMidCopyFailsTheCopyWithNothingVisibleAndTheNextCopySucceeds(SinkKind kind) {
        Target target = target(kind);
        Map<String, Entry> before = target.sink().state();
        proxy.whenBytesToClient(MB, FaultProxy::stall);

        CompletableFuture<Response> call = start(target.payload());
        FaultProxy.await(proxy::stalled, EVENT_GUARD, proxy::toString);
        Backend copying = awaitCopying(postgres, proxy);
        terminate(postgres, copying.pid());
        FaultProxy.await(
                () -> backends(postgres, proxy).stream().noneMatch(b -> b.pid() == copying.pid()),
                EVENT_GUARD,
                () -> "backend " + copying.pid() + " outlived pg_terminate_backend",
                100);
        proxy.passThrough();

        Response answer = answer(call, proxy::resetAll);
        assertFailed(answer, 502, "SystemError", "SourceFailed", "SourceUnreachable");
        assertUnchanged(target.sink(), before);
        assertTheNextCopySucceeds(target(kind), 1);
        assertNoBackendLeaks(postgres, proxy, Set.of(copying.pid()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(SinkKind.class)
    void aConnectionResetMidCopyFailsTheCopyWithNothingVisibleAndTheNextCopySucceeds(SinkKind kind) {
        Target target = target(kind);
        Map<String, Entry> before = target.sink().state();
        proxy.whenBytesToClient(MB, FaultProxy::resetAll);

        Response answer = answer(start(target.payload()), proxy::resetAll);

        assertThat(proxy.resets()).as("connections the proxy reset").isPositive();
        assertFailed(answer, 502, "SystemError", "SourceUnreachable");
        assertUnchanged(target.sink(), before);
        assertTheNextCopySucceeds(target(kind), 1);
        assertNoBackendLeaks(postgres, proxy, Set.of());
    }

    /**
     * More copies broken mid-stream on one linked service than its pool holds connections (8): each must give its
     * connection back or drop it, so every one of them still reaches the COPY, and the next copy succeeds. A broken
     * connection that stays checked out would exhaust the pool.
     */
    @Test
    void aPoolOutlivesMoreBrokenCopiesThanItHasConnections() {
        for (int i = 1; i <= 9; i++) {
            Target target = target(SinkKind.BLOB);
            Map<String, Entry> before = target.sink().state();
            proxy.whenBytesToClient(MB, FaultProxy::resetAll);

            Response answer = answer(start(target.payload()), proxy::resetAll);

            assertThat(proxy.triggersFired())
                    .as("copy %d reached its COPY (it answered %s)", i, answer.asString())
                    .isTrue();
            assertFailed(answer, 502, "SystemError", "SourceUnreachable");
            assertUnchanged(target.sink(), before);
        }
        assertTheNextCopySucceeds(target(SinkKind.BLOB), 1);
        assertNoBackendLeaks(postgres, proxy, Set.of());
    }

    /**
     * The stream stops mid-COPY and nothing more comes, nor any error: the server's statement_timeout cannot end a
     * backend blocked writing to its client (PostgreSQL defers a cancel until the write completes), so only pgferry
     * can end the copy. It must: with SourceQueryTimeout, or as an unreachable or failed source; never not at all.
     */
    @Test
    void aStreamStalledMidCopyEndsWithAnErrorNotNever() {
        Target target = target(SinkKind.BLOB);
        Map<String, Entry> before = target.sink().state();
        source(target.payload()).put("type", "PostgreSqlSource").put("queryTimeout", "00:00:03");
        proxy.whenBytesToClient(MB, FaultProxy::stall);

        Response answer = answer(start(target.payload()), () -> {
            proxy.resetAll();
            proxy.passThrough();
        });

        if (answer.statusCode() == 400) {
            assertFailed(answer, 400, "UserError", "SourceQueryTimeout");
        } else {
            assertFailed(answer, 502, "SystemError", "SourceUnreachable", "SourceFailed");
        }
        proxy.passThrough();
        assertUnchanged(target.sink(), before);
        assertTheNextCopySucceeds(target(SinkKind.BLOB), 1);
        assertNoBackendLeaks(postgres, proxy, Set.of());
    }

    @Test
    void aServerRefusingConnectionsAtTheStartIsARetryableSourceUnreachable() {
        Target target = target(SinkKind.BLOB);
        Map<String, Entry> before = target.sink().state();
        proxy.refuse();

        Response answer = answer(start(target.payload()), proxy::passThrough);

        assertFailed(answer, 502, "SystemError", "SourceUnreachable");
        assertThat(proxy.connections()).isZero();
        assertUnchanged(target.sink(), before);
        proxy.passThrough();
        assertTheNextCopySucceeds(target(SinkKind.BLOB), 1);
        assertNoBackendLeaks(postgres, proxy, Set.of());
    }

    /**
     * A server that accepts the connection and then never answers (a blackhole before the first byte): the login
     * gives up after the V2 linked service's connectionTimeout. The code is asserted, not the time.
     */
    @Test
    void aServerBlackholedAtLoginIsSourceUnreachableAfterTheConnectionTimeout() {
        String container = "sf-" + suffix();
        ObjectNode payload = v2(container);
        Sink sink = FaultFixtures.blob(azurite, container);
        Map<String, Entry> before = sink.state();
        proxy.stall();

        Response answer = answer(start(payload), () -> {
            proxy.resetAll();
            proxy.passThrough();
        });

        assertFailed(answer, 502, "SystemError", "SourceUnreachable");
        assertThat(proxy.connections()).as("connections the blackhole accepted").isPositive();
        assertThat(proxy.bytesToClient()).as("bytes the blackhole let through").isZero();
        assertUnchanged(sink, before);
        proxy.resetAll();
        proxy.passThrough();
        String next = "sf-" + suffix();
        assertComplete(FaultFixtures.blob(azurite, next), FaultFixtures.post(v2(next)), ROWS);
        assertNoBackendLeaks(postgres, proxy, Set.of());
    }

    /**
     * Four slices read the table at once; one slice's backend is terminated mid-COPY: the copy fails, the other
     * slices are cancelled, no slice's files become visible, and the next parallel copy succeeds.
     */
    @Test
    void aParallelCopyWithOneSlicesBackendTerminatedCancelsTheOthersWithNothingVisible() {
        Target target = target(SinkKind.BLOB);
        target.payload().withObject("/activity/typeProperties").put("parallelCopies", 4);
        Map<String, Entry> before = target.sink().state();
        proxy.whenBytesToClient(MB, FaultProxy::stall);

        CompletableFuture<Response> call = start(target.payload());
        FaultProxy.await(proxy::stalled, EVENT_GUARD, proxy::toString);
        Backend victim = awaitCopying(postgres, proxy);
        terminate(postgres, victim.pid());
        FaultProxy.await(
                () -> backends(postgres, proxy).stream().noneMatch(b -> b.pid() == victim.pid()),
                EVENT_GUARD,
                () -> "backend " + victim.pid() + " outlived pg_terminate_backend",
                100);
        proxy.passThrough();

        Response answer = answer(call, proxy::resetAll);
        assertFailed(answer, 502, "SystemError", "SourceFailed", "SourceUnreachable");
        assertUnchanged(target.sink(), before);
        // The other slices were cancelled (or finished) and their connections reset or dropped: none still streams.
        assertNoBackendLeaks(postgres, proxy, Set.of(victim.pid()));

        Target next = target(SinkKind.BLOB);
        next.payload().withObject("/activity/typeProperties").put("parallelCopies", 4);
        assertTheNextCopySucceeds(next, 4);
        assertNoBackendLeaks(postgres, proxy, Set.of(victim.pid()));
    }

    /** The same linked service (the proxy's server and port, so the same pool) copies the whole table again. */
    private void assertTheNextCopySucceeds(Target next, int slices) {
        Response answer = FaultFixtures.post(next.payload());
        assertComplete(next.sink(), answer, ROWS);
        assertThat(answer.jsonPath().getInt("usedParallelCopies")).isEqualTo(slices);
    }

    /** A PostgreSqlV2 linked service through the proxy with a short connectionTimeout, reading the table. */
    private ObjectNode v2(String container) {
        ObjectNode payload =
                FaultFixtures.payload(postgres.odbcConnectionString(), azurite.connectionString(), table, container);
        ObjectNode linkedService = payload.withObject("/linkedServices/0/properties");
        linkedService.put("type", "PostgreSqlV2");
        linkedService
                .putObject("typeProperties")
                .put("server", proxy.host())
                .put("port", proxy.port())
                .put("database", TestingPostgres.DATABASE)
                .put("username", TestingPostgres.USER)
                .put("password", postgres.password())
                .put("sslMode", 0)
                .put("connectionTimeout", 3);
        source(payload).put("query", "SELECT * FROM " + table);
        return payload;
    }
}
