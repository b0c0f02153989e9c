package dev.jbox.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jbox.client.Sandbox;
import dev.jbox.client.Subscription;
import dev.jbox.client.remote.envd.ConnectCode;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Envelope;
import dev.jbox.client.remote.envd.Messages;
import dev.jbox.client.remote.envd.Protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/1.1 server of the envd process API (Connect RPC, JSON) over a sandbox, and of HopX's VM-agent process
 * endpoints ({@link HopxRoutes}) on the same port. Every request needs the access token.
 *
 * <pre>{@code
 * try (AgentServer server = AgentServer.start(Sandbox.local(), AgentServer.Config.loopback(0, token))) {
 *     System.out.println("listening on " + server.url());
 * }
 * }</pre>
 */
public final class AgentServer implements AutoCloseable {

    /**
     * @param host             address to bind
     * @param port             0 for an ephemeral port
     * @param token            the access token
     * @param maxRequestBytes  larger request bodies are rejected
     * @param defaultKeepalive keepalive interval when the client sends no {@code Keepalive-Ping-Interval}
     */
    public record Config(String host, int port, AccessToken token, int maxRequestBytes, Duration defaultKeepalive, boolean extensions) {
        public static Config loopback(int port, String token) {
            return new Config("127.0.0.1", port, new AccessToken(token), 4 << 20, Duration.ofSeconds(30), true);
        }

        public Config keepalive(Duration d) {
            return new Config(host, port, token, maxRequestBytes, d, extensions);
        }

        public Config maxRequestBytes(int n) {
            return new Config(host, port, token, n, defaultKeepalive, extensions);
        }

        public Config token(String t) {
            return new Config(host, port, new AccessToken(t), maxRequestBytes, defaultKeepalive, extensions);
        }

        /** Without extensions the agent behaves as stock envd: no replay, no ended processes, no log reads. */
        public Config extensions(boolean on) {
            return new Config(host, port, token, maxRequestBytes, defaultKeepalive, on);
        }
    }

    static {
        // Small envelopes must leave at once: with Nagle's algorithm a flushed event can wait ~40 ms for a delayed ACK.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final Config config;
    private final Sandbox sandbox;
    private final ProcessService service;
    private final HopxRoutes hopx;
    private final ObjectMapper mapper = Protocol.mapper();
    private final HttpServer http;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;

    private AgentServer(Sandbox sandbox, Config config) throws IOException {
        this.config = config;
        this.sandbox = sandbox;
        this.service = new ProcessService(sandbox);
        this.hopx = new HopxRoutes(sandbox, config.token(), config.maxRequestBytes());
        AtomicInteger n = new AtomicInteger();
        // One thread per open stream: streams block while they wait for output.
        this.workers = Executors.newCachedThreadPool(r -> daemon(r, "jbox-agent-http-" + n.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "jbox-agent-keepalive"));
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        http.setExecutor(workers);
        http.createContext("/", this::handle);
    }

    /** Binds and starts serving {@code sandbox}; closing the server closes the sandbox. */
    public static AgentServer start(Sandbox sandbox, Config config) throws IOException {
        AgentServer s = new AgentServer(sandbox, config);
        s.http.start();
        return s;
    }

    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** {@code http://host:port} */
    public String url() {
        InetSocketAddress a = address();
        return "http://" + (a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString()) + ":" + a.getPort();
    }

    /** Ends open streams, kills every process tree of the sandbox, stops the server. Idempotent. */
    @Override
    public void close() {
        if (closing) return;
        closing = true;
        ConnectException bye = new ConnectException(ConnectCode.UNAVAILABLE, "jbox agent is shutting down");
        for (EventStream s : streams) s.finish(bye);
        try {
            sandbox.close();
        } finally {
            http.stop(0);
            timers.shutdownNow();
            workers.shutdownNow();
        }
    }

    // ---- HTTP plumbing

    private void handle(HttpExchange ex) {
        try {
            if (config.extensions()) ex.getResponseHeaders().set(Protocol.FEATURES_HEADER, Protocol.FEATURES);
            if (HopxRoutes.serves(ex.getRequestURI().getPath()) || HopxRoutes.servesHealth(ex)) { // HopX's VM-agent API: its own auth header and errors
                hopx.handle(ex);
                return;
            }
            if (!config.token().matches(ex.getRequestHeaders().getFirst(Protocol.ACCESS_TOKEN_HEADER))) {
                sendError(ex, new ConnectException(ConnectCode.UNAUTHENTICATED, "missing or wrong " + Protocol.ACCESS_TOKEN_HEADER + " header"));
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.equals(Protocol.HEALTH)) {
                ex.sendResponseHeaders(204, -1);
                return;
            }
            if (closing) {
                sendError(ex, new ConnectException(ConnectCode.UNAVAILABLE, "jbox agent is shutting down"));
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "POST");
                sendError(ex, 405, new ConnectException(ConnectCode.UNIMPLEMENTED, ex.getRequestMethod() + " " + path + ": use POST"));
                return;
            }
            dispatch(ex, path);
        } catch (ConnectException e) {
            sendErrorQuietly(ex, e);
        } catch (IOException e) {
            // the client went away; nothing to answer
        } catch (RuntimeException e) {
            sendErrorQuietly(ex, new ConnectException(ConnectCode.INTERNAL, ProcessService.oneLine(e)));
        } finally {
            ex.close();
        }
    }

    private void dispatch(HttpExchange ex, String path) throws IOException {
        switch (path) {
            case Protocol.SERVICE + "List" -> unary(ex, Messages.ListRequest.class, r -> service.list(config.extensions() ? r : new Messages.ListRequest(null)));
            case Protocol.SERVICE + "SendInput" -> unary(ex, Messages.SendInputRequest.class, service::sendInput);
            case Protocol.SERVICE + "SendSignal" -> unary(ex, Messages.SendSignalRequest.class, service::sendSignal);
            case Protocol.SERVICE + "CloseStdin" -> unary(ex, Messages.CloseStdinRequest.class, service::closeStdin);
            case Protocol.SERVICE + "Update" -> unary(ex, Messages.UpdateRequest.class, service::update);
            case Protocol.LOGS_READ -> {
                if (!config.extensions()) throw new ConnectException(ConnectCode.UNIMPLEMENTED, "no such procedure: " + path);
                unary(ex, Messages.ReadLogRequest.class, service::readLog);
            }
            case Protocol.SERVICE + "Start" -> {
                requireContentType(ex, Protocol.CONNECT_JSON);
                Messages.StartRequest req;
                Duration timeout;
                try {
                    req = streamRequest(ex, Messages.StartRequest.class);
                    if (!config.extensions()) req = new Messages.StartRequest(req.process(), req.pty(), req.tag(), req.stdin(), null);
                    timeout = timeoutOf(ex);
                } catch (ConnectException e) {
                    failStream(ex, e);
                    return;
                }
                Messages.StartRequest start = req;
                serveStream(ex, s -> service.start(start, timeout, s), null);
            }
            case Protocol.SERVICE + "Connect" -> {
                requireContentType(ex, Protocol.CONNECT_JSON);
                Messages.ConnectRequest req;
                Duration deadline;
                try {
                    req = streamRequest(ex, Messages.ConnectRequest.class);
                    if (!config.extensions()) req = new Messages.ConnectRequest(req.process(), null);
                    deadline = timeoutOf(ex);
                } catch (ConnectException e) {
                    failStream(ex, e);
                    return;
                }
                Messages.ConnectRequest connect = req;
                serveStream(ex, s -> service.connect(connect, s), deadline);
            }
            case Protocol.SERVICE + "StreamInput" -> throw new ConnectException(ConnectCode.UNIMPLEMENTED,
                    "StreamInput (client streaming) needs HTTP/2; use SendInput");
            default -> sendError(ex, new ConnectException(ConnectCode.UNIMPLEMENTED, "no such procedure: " + path));
        }
    }

    private interface Call<Q, R> {
        R apply(Q request);
    }

    private <Q, R> void unary(HttpExchange ex, Class<Q> type, Call<Q, R> call) throws IOException {
        requireContentType(ex, Protocol.JSON);
        byte[] body = readBody(ex);
        Q req = parse(body.length == 0 ? "{}".getBytes() : body, type);
        R res = call.apply(req);
        byte[] json = mapper.writeValueAsBytes(res);
        ex.getResponseHeaders().set("Content-Type", Protocol.JSON);
        ex.sendResponseHeaders(200, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    /** A stream that fails before it starts: 200 with only the end-stream envelope carrying the error (Connect streaming). */
    private void failStream(HttpExchange ex, ConnectException e) throws IOException {
        new EventStream(ex, mapper).finish(e);
    }

    private <Q> Q streamRequest(HttpExchange ex, Class<Q> type) throws IOException {
        byte[] body = readBody(ex);
        InputStream in = new ByteArrayInputStream(body);
        Envelope env = Envelope.read(in, config.maxRequestBytes());
        if (env == null) throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "malformed envelope: empty request body");
        if (in.available() > 0) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "malformed envelope: " + in.available() + " bytes after the request message");
        }
        if (env.endStream()) throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "malformed envelope: request message has the end-stream flag");
        return parse(env.payload(), type);
    }

    private interface StreamBody {
        Subscription open(EventStream s);
    }

    /**
     * Runs one server stream on this worker thread until it ends: setup errors become the trailer of an
     * otherwise empty stream (Connect's way for streams), keepalives go out on a timer.
     */
    private void serveStream(HttpExchange ex, StreamBody body, Duration deadline) throws IOException {
        EventStream stream = new EventStream(ex, mapper);
        streams.add(stream);
        Subscription sub = null;
        ScheduledFuture<?> keepalive = null;
        ScheduledFuture<?> timeout = null;
        try {
            try {
                sub = body.open(stream);
            } catch (ConnectException e) {
                stream.finish(e);
                return;
            }
            long every = keepaliveMillis(ex);
            keepalive = timers.scheduleAtFixedRate(() -> stream.trySend(new Messages.StreamResponse(Messages.ProcessEvent.keepAlive(), null)),
                    every, every, TimeUnit.MILLISECONDS);
            if (deadline != null) {
                timeout = timers.schedule(() -> stream.finish(new ConnectException(ConnectCode.DEADLINE_EXCEEDED,
                        "stream deadline of " + deadline.toMillis() + " ms exceeded")), deadline.toMillis(), TimeUnit.MILLISECONDS);
            }
            if (sub instanceof ProcessService.QuietWait wait) wait.run();
            stream.awaitEnd();
        } catch (InterruptedException e) {
            stream.finish(new ConnectException(ConnectCode.UNAVAILABLE, "jbox agent is shutting down"));
            Thread.currentThread().interrupt();
        } finally {
            if (keepalive != null) keepalive.cancel(false);
            if (timeout != null) timeout.cancel(false);
            ProcessService.closeQuietly(sub);
            streams.remove(stream);
        }
    }

    private long keepaliveMillis(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst(Protocol.KEEPALIVE_HEADER);
        if (h != null) {
            try {
                long s = Long.parseLong(h.trim());
                if (s > 0) return Math.max(100, s * 1000);
            } catch (NumberFormatException ignored) {
                // fall back to the default
            }
        }
        return config.defaultKeepalive().toMillis();
    }

    private static Duration timeoutOf(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst(Protocol.TIMEOUT_HEADER);
        if (h == null) return null;
        try {
            long ms = Long.parseLong(h.trim());
            return ms > 0 ? Duration.ofMillis(ms) : null;
        } catch (NumberFormatException e) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "bad " + Protocol.TIMEOUT_HEADER + " header '" + h + "'");
        }
    }

    private static void requireContentType(HttpExchange ex, String expected) {
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        String base = ct == null ? "" : ct.split(";", 2)[0].trim();
        if (!base.equalsIgnoreCase(expected)) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "Content-Type must be " + expected + " (JSON codec), got '" + (ct == null ? "" : ct) + "'");
        }
    }

    private byte[] readBody(HttpExchange ex) throws IOException {
        int max = config.maxRequestBytes() + 5;
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        if (len != null) {
            long n;
            try {
                n = Long.parseLong(len.trim());
            } catch (NumberFormatException e) {
                throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "bad Content-Length '" + len + "'");
            }
            if (n > max) {
                discard(ex);
                throw tooBig();
            }
        }
        byte[] body = ex.getRequestBody().readNBytes(max + 1);
        if (body.length > max) {
            discard(ex);
            throw tooBig();
        }
        return body;
    }

    /**
     * Reads and drops what is left of a rejected body (up to 64 MiB): closing a socket with unread input makes
     * TCP reset it, and the reset can destroy the error answer before the client reads it.
     */
    private static void discard(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        byte[] buf = new byte[65536];
        long left = 64L << 20;
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
    }

    private ConnectException tooBig() {
        return new ConnectException(ConnectCode.RESOURCE_EXHAUSTED, "request body exceeds the limit of " + config.maxRequestBytes() + " bytes");
    }

    private <Q> Q parse(byte[] json, Class<Q> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "malformed JSON for " + type.getSimpleName() + ": "
                    + ProcessService.oneLine(new RuntimeException(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "unreadable request: " + e.getMessage());
        }
    }

    private void sendError(HttpExchange ex, ConnectException e) throws IOException {
        int status = e.code() == ConnectCode.RESOURCE_EXHAUSTED ? 413 : e.code().httpStatus();
        sendError(ex, status, e);
    }

    private void sendError(HttpExchange ex, int status, ConnectException e) throws IOException {
        byte[] json = mapper.writeValueAsBytes(e.body());
        ex.getResponseHeaders().set("Content-Type", Protocol.JSON);
        ex.sendResponseHeaders(status, json.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(json);
        }
    }

    private void sendErrorQuietly(HttpExchange ex, ConnectException e) {
        try {
            if (ex.getResponseCode() == -1) sendError(ex, e);
        } catch (IOException ignored) {
            // client gone
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
