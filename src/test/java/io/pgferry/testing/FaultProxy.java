package io.pgferry.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A TCP proxy a test puts between pgferry and a server (PostgreSQL, or Azurite over HTTP), listening on a free
 * loopback port, and drives while a copy runs:
 * <ul>
 * <li>{@link #passThrough()}: forwards both ways (the default), accepting again if it was refusing;</li>
 * <li>{@link #resetAll()}: resets every open connection (RST on both sides: {@code SO_LINGER 0}, then close);</li>
 * <li>{@link #stall()}: a blackhole; connections are accepted and kept open, nothing is forwarded either way;</li>
 * <li>{@link #delay(long)}: each chunk waits that long before it is forwarded;</li>
 * <li>{@link #refuse()}: the listener is closed, so new connections are refused (open ones carry on);
 * {@link #closeAccepted()}: new connections are accepted and reset at once;</li>
 * <li>for HTTP ({@link #http(int)}): {@link #answer(int, Predicate)} answers matching requests (method, path and
 * query) with a canned status instead of forwarding them, for the next N, a share, or once per request target.</li>
 * </ul>
 * Counters (connections, bytes each way, requests) and one-shot triggers ({@link #whenBytesToClient}) let a test wait
 * for events ("1 MB of the COPY has gone through") rather than sleep, and inject a fault at an exact point of the
 * stream. Threads: one acceptor, two pumps per connection.
 */
public final class FaultProxy implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;

    private enum Mode {
        PASS,
        STALL
    }

    private final int targetPort;
    private final boolean http;
    private final int port;
    private final Object lock = new Object();
    private volatile ServerSocket listener;
    private volatile Thread acceptor;
    private volatile Mode mode = Mode.PASS;
    private volatile long delayMillis;
    private volatile boolean closeAccepted;
    private volatile boolean closed;

    private final Set<Link> open = ConcurrentHashMap.newKeySet();
    private final Set<Integer> targetPorts = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicLong bytesToClient = new AtomicLong();
    private final AtomicLong bytesToTarget = new AtomicLong();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Trigger> triggers = new CopyOnWriteArrayList<>();

    private FaultProxy(int targetPort, boolean http) {
        this.targetPort = targetPort;
        this.http = http;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        startAcceptor(listener);
    }

    /** A byte-for-byte proxy to {@code 127.0.0.1:targetPort} (PostgreSQL's protocol, or anything else). */
    public static FaultProxy tcp(int targetPort) {
        return new FaultProxy(targetPort, false);
    }

    /**
     * A proxy that also reads the HTTP/1.1 requests going to {@code 127.0.0.1:targetPort}, so that some can be
     * answered by the proxy itself ({@link #answer}). Responses are forwarded as they come.
     */
    public static FaultProxy http(int targetPort) {
        return new FaultProxy(targetPort, true);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    // ---- modes ---------------------------------------------------------------------------------------------------

    /** Forwards everything again without delay; a refusing proxy listens again (on the same port). */
    public FaultProxy passThrough() {
        synchronized (lock) {
            mode = Mode.PASS;
            delayMillis = 0;
            closeAccepted = false;
            if (listener == null && !closed) {
                listener = bind(port);
                startAcceptor(listener);
            }
            lock.notifyAll();
        }
        return this;
    }

    /** Stops forwarding in both directions; open and new connections stay open (a blackhole). */
    public FaultProxy stall() {
        synchronized (lock) {
            mode = Mode.STALL;
            lock.notifyAll();
        }
        return this;
    }

    /** Forwards, each chunk (at most 16 KiB) after {@code millis}. */
    public FaultProxy delay(long millis) {
        synchronized (lock) {
            mode = Mode.PASS;
            delayMillis = millis;
            lock.notifyAll();
        }
        return this;
    }

    /** Closes the listener: new connections are refused ({@code ECONNREFUSED}); open ones are left as they are. */
    public FaultProxy refuse() {
        synchronized (lock) {
            ServerSocket current = listener;
            listener = null;
            closeQuietly(current);
            awaitAcceptorEnd();
        }
        return this;
    }

    /**
     * The JDK closes a listening socket that a thread is accepting on only once that thread has left accept(): until
     * then the kernel still completes new connections.
     */
    private void awaitAcceptorEnd() {
        Thread current = acceptor;
        if (current != null) {
            try {
                current.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (current.isAlive()) {
                throw new IllegalStateException("the fault proxy's acceptor did not stop");
            }
        }
    }

    /** Accepts new connections and resets them at once (open ones are left as they are). */
    public FaultProxy closeAccepted() {
        closeAccepted = true;
        return this;
    }

    /** Resets every open connection on both sides; answers how many there were. Modes are unchanged. */
    public int resetAll() {
        int count = 0;
        for (Link link : List.copyOf(open)) {
            resets.incrementAndGet();
            link.reset();
            count++;
        }
        synchronized (lock) {
            lock.notifyAll();
        }
        return count;
    }

    public boolean stalled() {
        return mode == Mode.STALL;
    }

    public boolean refusing() {
        return listener == null;
    }

    // ---- triggers ------------------------------------------------------------------------------------------------

    /**
     * Runs {@code action} once, on the forwarding thread, as soon as {@code more} bytes beyond those forwarded so far
     * have gone to the clients (all connections together): e.g. {@code whenBytesToClient(1 << 20, FaultProxy::stall)}
     * stalls the stream at an exact point, whatever the machine's speed.
     */
    public FaultProxy whenBytesToClient(long more, Consumer<FaultProxy> action) {
        triggers.add(new Trigger(true, bytesToClient.get() + more, action));
        return this;
    }

    /** As {@link #whenBytesToClient}, for bytes forwarded to the target (request bodies, for HTTP). */
    public FaultProxy whenBytesToTarget(long more, Consumer<FaultProxy> action) {
        triggers.add(new Trigger(false, bytesToTarget.get() + more, action));
        return this;
    }

    /** Whether every trigger set so far has fired. */
    public boolean triggersFired() {
        return triggers.stream().allMatch(trigger -> trigger.fired.get());
    }

    // ---- HTTP answers --------------------------------------------------------------------------------------------

    /**
     * Answers the requests {@code matches} accepts with {@code status} (and an XML error body, as Blob Storage
     * answers) instead of forwarding them; the connection is kept alive. By default every matching request is
     * answered; {@link Rule#times}, {@link Rule#every} and {@link Rule#oncePerTarget} narrow that.
     */
    public Rule answer(int status, Predicate<Request> matches) {
        if (!http) {
            throw new IllegalStateException("answers need a proxy made with FaultProxy.http");
        }
        Rule rule = new Rule(status, matches);
        rules.add(rule);
        return rule;
    }

    /** Forgets every rule: requests are forwarded again. */
    public FaultProxy clearRules() {
        rules.clear();
        return this;
    }

    // ---- counters ------------------------------------------------------------------------------------------------

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    /** Connections reset by {@link #resetAll()} or {@link #closeAccepted()}. */
    public int resets() {
        return resets.get();
    }

    public long bytesToClient() {
        return bytesToClient.get();
    }

    public long bytesToTarget() {
        return bytesToTarget.get();
    }

    /**
     * The local ports of every connection the proxy opened to its target: PostgreSQL's {@code client_port} of the
     * backends that served connections through the proxy.
     */
    public Set<Integer> targetPorts() {
        return Set.copyOf(targetPorts);
    }

    /** Every HTTP request read so far, in order, whether forwarded or answered. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public long requests(Predicate<Request> matching) {
        return requests.stream().filter(matching).count();
    }

    /** Waits for an event; fails after {@code guard} (a hang guard, not a measured bound) with {@code what}. */
    public static void await(BooleanSupplier event, Duration guard, Supplier<String> what) {
        await(event, guard, what, 20);
    }

    /** As {@link #await(BooleanSupplier, Duration, Supplier)}, looking every {@code pollMillis}. */
    public static void await(BooleanSupplier event, Duration guard, Supplier<String> what, long pollMillis) {
        long deadline = System.nanoTime() + guard.toNanos();
        while (!event.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no event after " + guard + ": " + what.get());
            }
            Processes.sleep(pollMillis);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            closeQuietly(listener);
            listener = null;
            awaitAcceptorEnd();
            lock.notifyAll();
        }
        resetAll();
    }

    // ---- requests and rules --------------------------------------------------------------------------------------

    /** An HTTP request's head as the proxy read it. */
    public record Request(String method, String path, String query, Map<String, String> headers) {
        /** The request target, path and query. */
        public String target() {
            return query.isEmpty() ? path : path + "?" + query;
        }

        /** Whether the query holds {@code name=value} (value compared exactly, name case-insensitively). */
        public boolean hasQuery(String name, String value) {
            for (String part : query.split("&")) {
                int equals = part.indexOf('=');
                String key = equals < 0 ? part : part.substring(0, equals);
                String actual = equals < 0 ? "" : part.substring(equals + 1);
                if (key.equalsIgnoreCase(name) && actual.equals(value)) {
                    return true;
                }
            }
            return false;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return method + " " + target();
        }
    }

    /** Blob Storage's Put Block: {@code PUT ...?comp=block&blockid=...}. */
    public static Predicate<Request> blockUpload() {
        return request -> request.method().equals("PUT") && request.hasQuery("comp", "block");
    }

    /** Blob Storage's Put Block List, which commits a blob: {@code PUT ...?comp=blocklist}. */
    public static Predicate<Request> blockListCommit() {
        return request -> request.method().equals("PUT") && request.hasQuery("comp", "blocklist");
    }

    /**
     * Matches the requests {@code base} matches whose path is the {@code n}th distinct such path (1-based, in the
     * order the proxy saw them), every attempt at it: e.g. the second blob's commit and all its retries.
     */
    public static Predicate<Request> nthDistinctPath(int n, Predicate<Request> base) {
        Set<String> paths = Collections.synchronizedSet(new LinkedHashSet<>());
        return request -> {
            if (!base.test(request)) {
                return false;
            }
            synchronized (paths) {
                paths.add(request.path());
                int index = 0;
                for (String path : paths) {
                    if (++index == n) {
                        return path.equals(request.path());
                    }
                }
                return false;
            }
        };
    }

    /** What the proxy answers itself. */
    public static final class Rule {
        private final int status;
        private final Predicate<Request> matches;
        private volatile long remaining = Long.MAX_VALUE;
        private volatile int every = 1;
        private volatile boolean oncePerTarget;
        private final Set<String> targets = ConcurrentHashMap.newKeySet();
        private final AtomicLong seen = new AtomicLong();
        private final AtomicLong answered = new AtomicLong();

        private Rule(int status, Predicate<Request> matches) {
            this.status = status;
            this.matches = matches;
        }

        /** Answers only the next {@code n} matching requests. */
        public Rule times(long n) {
            remaining = n;
            return this;
        }

        /** Answers one matching request in {@code k} (the 1st, the (k+1)th, ...): a share of them. */
        public Rule every(int k) {
            every = k;
            return this;
        }

        /** Answers each request target (method, path and query) at most once: its retry is forwarded. */
        public Rule oncePerTarget() {
            oncePerTarget = true;
            return this;
        }

        /** Matching requests seen, answered or not. */
        public long seen() {
            return seen.get();
        }

        /** Requests this rule answered. */
        public long answered() {
            return answered.get();
        }

        synchronized boolean take(Request request) {
            if (!matches.test(request)) {
                return false;
            }
            long index = seen.getAndIncrement();
            if (remaining <= 0 || index % every != 0) {
                return false;
            }
            if (oncePerTarget && !targets.add(request.method() + " " + request.target())) {
                return false;
            }
            remaining--;
            answered.incrementAndGet();
            return true;
        }
    }

    private record Trigger(boolean toClient, long threshold, Consumer<FaultProxy> action, AtomicBoolean fired) {
        Trigger(boolean toClient, long threshold, Consumer<FaultProxy> action) {
            this(toClient, threshold, action, new AtomicBoolean());
        }
    }

    // ---- plumbing ------------------------------------------------------------------------------------------------

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            return socket;
        } catch (IOException e) {
            throw new IllegalStateException("the fault proxy cannot listen on port " + port, e);
        }
    }

    private void startAcceptor(ServerSocket socket) {
        Thread thread = new Thread(() -> accept(socket), "fault-proxy-accept-" + port);
        thread.setDaemon(true);
        acceptor = thread;
        thread.start();
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // closed: refusing, or the proxy is closed
            }
            connections.incrementAndGet();
            if (closeAccepted || closed) {
                resets.incrementAndGet();
                rst(client);
                continue;
            }
            Socket target = new Socket();
            try {
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 10_000);
            } catch (IOException e) {
                rst(client);
                closeQuietly(target);
                continue;
            }
            targetPorts.add(target.getLocalPort());
            Link link = new Link(client, target);
            open.add(link);
            link.start();
        }
    }

    /** Blocks while stalled; false once the link is gone. */
    private boolean gate(Link link) {
        return gate(link, false);
    }

    /** Blocks while stalled, then waits out the delay before a chunk is forwarded; false once the link is gone. */
    private boolean gate(Link link, boolean forwarding) {
        synchronized (lock) {
            while (mode == Mode.STALL && !link.dead && !closed) {
                try {
                    lock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        long delay = forwarding ? delayMillis : 0;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !link.dead;
    }

    private void forwarded(boolean toClient, int n) {
        long total = (toClient ? bytesToClient : bytesToTarget).addAndGet(n);
        for (Trigger trigger : triggers) {
            if (trigger.toClient() == toClient
                    && total >= trigger.threshold()
                    && trigger.fired().compareAndSet(false, true)) {
                trigger.action().accept(this);
            }
        }
    }

    private static void rst(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing is what matters
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** One proxied connection: a client socket, its target socket and two pumps. */
    private final class Link {
        final Socket client;
        final Socket target;
        final Object clientWrite = new Object();
        final AtomicLong toClient = new AtomicLong();
        final AtomicLong toTarget = new AtomicLong();
        volatile String clientEnd = "open";
        volatile String targetEnd = "open";
        volatile boolean dead;
        private final AtomicInteger ended = new AtomicInteger();

        Link(Socket client, Socket target) {
            this.client = client;
            this.target = target;
        }

        void start() {
            Thread up =
                    new Thread(http ? this::pumpRequests : () -> pump(client, target, false), "fault-proxy-up-" + port);
            Thread down = new Thread(() -> pump(target, client, true), "fault-proxy-down-" + port);
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        void reset() {
            dead = true;
            rst(client);
            rst(target);
            open.remove(this);
        }

        @Override
        public String toString() {
            return "client :" + client.getPort() + " (" + clientEnd + ", " + toClient + " bytes to it) <-> target :"
                    + target.getLocalPort() + " (" + targetEnd + ", " + toTarget + " bytes to it)";
        }

        void count(boolean toClientSide, int n) {
            (toClientSide ? toClient : toTarget).addAndGet(n);
            forwarded(toClientSide, n);
        }

        /** One direction ended (end of stream or a failure): half-close, and close when both have. */
        void end(Socket to, boolean failed) {
            if (to == target) {
                clientEnd = failed ? "failed" : "ended";
            } else {
                targetEnd = failed ? "failed" : "ended";
            }
            if (failed) {
                dead = true;
                closeQuietly(client);
                closeQuietly(target);
                open.remove(this);
                return;
            }
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                // already closed
            }
            if (ended.incrementAndGet() == 2) {
                dead = true;
                closeQuietly(client);
                closeQuietly(target);
                open.remove(this);
            }
        }

        private void pump(Socket from, Socket to, boolean toClient) {
            byte[] buffer = new byte[BUFFER];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (gate(this)) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        end(to, false);
                        return;
                    }
                    if (!gate(this, true)) {
                        return;
                    }
                    if (toClient) {
                        synchronized (clientWrite) {
                            out.write(buffer, 0, n);
                        }
                    } else {
                        out.write(buffer, 0, n);
                    }
                    count(toClient, n);
                }
            } catch (IOException e) {
                end(to, true);
            }
        }

        /** Client to target for HTTP: request by request, each forwarded or answered by a rule. */
        private void pumpRequests() {
            try {
                InputStream in = new BufferedInputStream(client.getInputStream(), BUFFER);
                OutputStream out = target.getOutputStream();
                while (gate(this)) {
                    byte[] head = readHead(in);
                    if (head == null) {
                        end(target, false);
                        return;
                    }
                    Request request = parse(head);
                    requests.add(request);
                    Rule rule = rules.stream()
                            .filter(r -> r.take(request))
                            .findFirst()
                            .orElse(null);
                    if (rule != null) {
                        body(in, request, null);
                        respond(request, rule.status);
                        continue;
                    }
                    if (!gate(this, true)) {
                        return;
                    }
                    out.write(head);
                    count(false, head.length);
                    body(in, request, out);
                }
            } catch (IOException | RuntimeException e) {
                end(target, true);
            }
        }

        /** Reads the request's body (Content-Length or chunked) and forwards it to {@code out} unless null. */
        private void body(InputStream in, Request request, OutputStream out) throws IOException {
            String chunked = request.header("transfer-encoding");
            if (chunked != null && chunked.toLowerCase(Locale.ROOT).contains("chunked")) {
                while (true) {
                    String sizeLine = readLine(in, out);
                    int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
                    if (size == 0) {
                        // trailers, then an empty line
                        while (!readLine(in, out).isEmpty()) {
                            // skip trailer fields
                        }
                        return;
                    }
                    copy(in, out, size + 2L);
                }
            }
            String length = request.header("content-length");
            if (length != null) {
                copy(in, out, Long.parseLong(length.trim()));
            }
        }

        private void copy(InputStream in, OutputStream out, long length) throws IOException {
            byte[] buffer = new byte[BUFFER];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("the client ended its request body early");
                }
                left -= n;
                if (out != null) {
                    if (!gate(this, true)) {
                        throw new IOException("connection reset by the proxy");
                    }
                    out.write(buffer, 0, n);
                    count(false, n);
                }
            }
        }

        private String readLine(InputStream in, OutputStream out) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int previous = -1;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the client ended its request early");
                }
                line.write(b);
                if (previous == '\r' && b == '\n') {
                    break;
                }
                previous = b;
            }
            byte[] bytes = line.toByteArray();
            if (out != null) {
                out.write(bytes);
                count(false, bytes.length);
            }
            return new String(bytes, 0, bytes.length - 2, StandardCharsets.ISO_8859_1);
        }

        private void respond(Request request, int status) throws IOException {
            String code =
                    switch (status) {
                        case 500 -> "InternalError";
                        case 503 -> "ServerBusy";
                        default -> "FaultInjected";
                    };
            byte[] body = request.method().equals("HEAD")
                    ? new byte[0]
                    : ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code
                                    + "</Code><Message>Injected by the test's fault proxy.</Message></Error>")
                            .getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 ")
                    .append(status)
                    .append(' ')
                    .append(reason(status))
                    .append("\r\nContent-Type: application/xml\r\nx-ms-error-code: ")
                    .append(code)
                    .append("\r\nx-ms-request-id: ")
                    .append(UUID.randomUUID());
            String version = request.header("x-ms-version");
            if (version != null) {
                head.append("\r\nx-ms-version: ").append(version);
            }
            head.append("\r\nContent-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = client.getOutputStream();
            synchronized (clientWrite) {
                out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
            }
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Injected";
        };
    }

    /** The request head up to and including the empty line; null at the end of the stream before any byte. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("the client ended a request head early");
            }
            head.write(b);
            matched = switch (matched) {
                case 0, 2 -> b == '\r' ? matched + 1 : 0;
                case 1, 3 -> b == '\n' ? matched + 1 : b == '\r' ? 1 : 0;
                default -> 0;
            };
            if (matched == 4) {
                return head.toByteArray();
            }
            if (head.size() > 64 * 1024) {
                throw new IOException("a request head over 64 KiB");
            }
        }
    }

    private static Request parse(byte[] head) throws IOException {
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length < 2) {
            throw new IOException("not an HTTP request line: " + lines[0]);
        }
        String target = requestLine[1];
        int question = target.indexOf('?');
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(
                        lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return new Request(
                requestLine[0],
                question < 0 ? target : target.substring(0, question),
                question < 0 ? "" : target.substring(question + 1),
                Collections.unmodifiableMap(headers));
    }

    @Override
    public String toString() {
        List<String> state = new ArrayList<>();
        state.add("port " + port + " -> " + targetPort);
        state.add(
                refusing()
                        ? "refusing"
                        : closeAccepted ? "closing accepted" : mode.name().toLowerCase(Locale.ROOT));
        state.add(connections() + " connections (" + openConnections() + " open, " + resets() + " reset)");
        state.add(bytesToClient() + " bytes to clients, " + bytesToTarget() + " to the target");
        if (http) {
            state.add(requests.size() + " requests");
        }
        open.forEach(link -> state.add("open: " + link));
        return "FaultProxy[" + String.join(", ", state) + "]";
    }
}
