package io.pgferry.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.sun.net.httpserver.HttpServer;

/**
 * The fault proxy's own modes, against a local echo server (and a local HTTP server for its answers), so the fault
 * suites can trust it.
 */
@Timeout(120)
class FaultProxyTest {
    private static final Duration GUARD = Duration.ofSeconds(60);

    private ServerSocket echo;
    private final List<Socket> sockets = new ArrayList<>();
    private FaultProxy proxy;

    @BeforeEach
    void startEchoServer() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket socket = echo.accept();
                    Thread echoing = new Thread(() -> {
                        byte[] buffer = new byte[8192];
                        try (socket;
                                InputStream in = socket.getInputStream();
                                OutputStream out = socket.getOutputStream()) {
                            for (int n; (n = in.read(buffer)) >= 0; ) {
                                out.write(buffer, 0, n);
                            }
                        } catch (IOException e) {
                            // reset by the proxy
                        }
                    });
                    echoing.setDaemon(true);
                    echoing.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = FaultProxy.tcp(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void passesBytesThroughBothWaysAndCountsThem() throws IOException {
        Socket client = connect();
        send(client, "hello");
        assertThat(read(client, 5)).isEqualTo("hello");
        FaultProxy.await(() -> proxy.bytesToClient() == 5, GUARD, proxy::toString);
        assertThat(proxy.bytesToTarget()).isEqualTo(5);
        assertThat(proxy.connections()).isEqualTo(1);
        assertThat(proxy.openConnections()).isEqualTo(1);
        assertThat(proxy.targetPorts()).hasSize(1);
    }

    @Test
    void resetAllResetsEveryOpenConnectionAndNewOnesStillPass() throws IOException {
        Socket first = connect();
        Socket second = connect();
        send(first, "a");
        assertThat(read(first, 1)).isEqualTo("a");
        FaultProxy.await(() -> proxy.openConnections() == 2, GUARD, proxy::toString);

        assertThat(proxy.resetAll()).isEqualTo(2);

        first.setSoTimeout((int) GUARD.toMillis());
        assertThatThrownBy(() -> first.getInputStream().read())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("reset");
        second.setSoTimeout((int) GUARD.toMillis());
        assertThatThrownBy(() -> second.getInputStream().read()).isInstanceOf(IOException.class);
        Socket third = connect();
        send(third, "b");
        assertThat(read(third, 1)).isEqualTo("b");
    }

    @Test
    void aStallForwardsNothingEitherWayUntilPassThrough() throws IOException {
        Socket open = connect();
        send(open, "x");
        assertThat(read(open, 1)).isEqualTo("x");
        proxy.stall();
        Socket fresh = connect(); // accepted while stalled, as a blackhole would

        send(open, "ping");
        send(fresh, "pong");
        open.setSoTimeout(300);
        assertThatThrownBy(() -> open.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        assertThat(proxy.bytesToTarget()).isEqualTo(1);
        assertThat(proxy.stalled()).isTrue();

        proxy.passThrough();
        assertThat(read(open, 4)).isEqualTo("ping");
        assertThat(read(fresh, 4)).isEqualTo("pong");
    }

    @Test
    void aDelayHoldsEveryChunk() throws IOException {
        Socket client = connect();
        proxy.delay(200);
        long start = System.nanoTime();
        send(client, "slow");
        assertThat(read(client, 4)).isEqualTo("slow");
        // A lower bound only: the chunk waits once on its way out and once on its way back.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        proxy.passThrough();
        send(client, "fast");
        assertThat(read(client, 4)).isEqualTo("fast");
    }

    @Test
    void refusingClosesTheListenerAndPassThroughListensAgainOnTheSamePort() throws IOException {
        Socket open = connect();
        // Accepted by the proxy: a connection still in the listener's backlog is reset when the listener closes.
        FaultProxy.await(() -> proxy.openConnections() == 1, GUARD, proxy::toString);
        proxy.refuse();
        assertThat(proxy.refusing()).isTrue();
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        send(open, "still");
        assertThat(read(open, 5)).isEqualTo("still");

        proxy.passThrough();
        Socket again = connect();
        send(again, "back");
        assertThat(read(again, 4)).isEqualTo("back");
    }

    @Test
    void closeAcceptedResetsNewConnectionsAtOnce() throws IOException {
        proxy.closeAccepted();
        try {
            Socket client = connect();
            client.setSoTimeout((int) GUARD.toMillis());
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        } catch (IOException reset) {
            // The reset may arrive before connect() has returned, or at the first read.
            assertThat(reset).hasMessageContaining("reset");
        }
        assertThat(proxy.resets()).isEqualTo(1);
        proxy.passThrough();
        Socket again = connect();
        send(again, "ok");
        assertThat(read(again, 2)).isEqualTo("ok");
    }

    @Test
    void aTriggerStallsTheStreamAtAnExactByteCount() throws Exception {
        proxy.whenBytesToClient(100_000, FaultProxy::stall);
        Socket client = connect();
        byte[] payload = new byte[1_000_000];
        Thread writer = new Thread(() -> {
            try {
                client.getOutputStream().write(payload);
            } catch (IOException e) {
                // ends with the test
            }
        });
        writer.setDaemon(true);
        writer.start();
        InputStream in = client.getInputStream();
        client.setSoTimeout(300);
        long received = 0;
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received += n;
            }
        } catch (SocketTimeoutException stalled) {
            // nothing more comes
        }
        assertThat(proxy.stalled()).isTrue();
        assertThat(proxy.triggersFired()).isTrue();
        // The trigger fires after the chunk that crosses the count; no chunk goes after it.
        assertThat(proxy.bytesToClient()).isBetween(100_000L, 100_000L + 16 * 1024);
        assertThat(received).isLessThanOrEqualTo(proxy.bytesToClient());

        proxy.whenBytesToClient(1, FaultProxy::resetAll);
        proxy.passThrough();
        client.setSoTimeout((int) GUARD.toMillis());
        assertThatThrownBy(() -> {
                    while (in.read(buffer) >= 0) {
                        // read until the reset
                    }
                })
                .isInstanceOf(IOException.class);
        assertThat(proxy.resets()).isEqualTo(1);
    }

    @Test
    void answersMatchingHttpRequestsItselfAndForwardsTheRest() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            byte[] answer = ("got " + body.length).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try (FaultProxy http = FaultProxy.http(server.getAddress().getPort())) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://127.0.0.1:" + http.port() + "/devstoreaccount1/c/";

            FaultProxy.Rule burst = http.answer(503, FaultProxy.blockUpload()).times(2);
            assertThat(put(client, base + "a?comp=block&blockid=MQ==", "abc").statusCode())
                    .isEqualTo(503);
            assertThat(put(client, base + "a?comp=block&blockid=MQ==", "abc").statusCode())
                    .isEqualTo(503);
            HttpResponse<String> through = put(client, base + "a?comp=block&blockid=MQ==", "abc");
            assertThat(through.statusCode()).isEqualTo(201);
            assertThat(through.body()).isEqualTo("got 3");
            assertThat(burst.answered()).isEqualTo(2);
            assertThat(put(client, base + "a?restype=container", "").statusCode())
                    .isEqualTo(201);

            http.clearRules();
            http.answer(500, FaultProxy.blockUpload()).oncePerTarget();
            assertThat(put(client, base + "b?comp=block&blockid=MQ==", "x").statusCode())
                    .isEqualTo(500);
            assertThat(put(client, base + "b?comp=block&blockid=MQ==", "x").statusCode())
                    .isEqualTo(201);
            assertThat(put(client, base + "b?comp=block&blockid=Mg==", "x").statusCode())
                    .isEqualTo(500);

            http.clearRules();
            http.answer(500, FaultProxy.nthDistinctPath(2, FaultProxy.blockListCommit()));
            assertThat(put(client, base + "x?comp=blocklist", "<l/>").statusCode())
                    .isEqualTo(201);
            assertThat(put(client, base + "y?comp=blocklist", "<l/>").statusCode())
                    .isEqualTo(500);
            assertThat(put(client, base + "y?comp=blocklist", "<l/>").statusCode())
                    .isEqualTo(500);
            assertThat(put(client, base + "z?comp=blocklist", "<l/>").statusCode())
                    .isEqualTo(201);
            assertThat(put(client, base + "x?comp=blocklist", "<l/>").statusCode())
                    .isEqualTo(201);

            http.clearRules();
            FaultProxy.Rule share =
                    http.answer(500, request -> request.method().equals("PUT")).every(2);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(put(client, base + "s" + i, "x").statusCode());
            }
            assertThat(statuses).containsExactly(500, 201, 500, 201);
            assertThat(share.seen()).isEqualTo(4);

            // A chunked body is framed as such and forwarded whole.
            http.clearRules();
            HttpResponse<String> chunked = client.send(
                    HttpRequest.newBuilder(URI.create(base + "chunked"))
                            .PUT(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new ByteArrayInputStream(new byte[70_000])))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).isEqualTo(201);
            assertThat(chunked.body()).isEqualTo("got 70000");
            assertThat(http.requests(FaultProxy.blockListCommit())).isEqualTo(5);
            assertThat(http.requests())
                    .extracting(FaultProxy.Request::toString)
                    .contains("PUT /devstoreaccount1/c/y?comp=blocklist");
        } finally {
            server.stop(0);
        }
    }

    private static HttpResponse<String> put(HttpClient client, String url, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .header("x-ms-version", "2025-01-05")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), 10_000);
        sockets.add(socket);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    private static String read(Socket socket, int length) throws IOException {
        socket.setSoTimeout((int) GUARD.toMillis());
        byte[] bytes = socket.getInputStream().readNBytes(length);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
