package dev.jbox.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for HopX's cloud (api.hopx.dev cannot be reached from tests): the control API calls jbox makes
 * (create, get, token refresh, delete, with {@code X-API-Key}), and in front of a real {@code jbox agent} the part of
 * a sandbox's VM agent that HopX owns: tokens that expire. The sandbox's {@code public_host} is this server's
 * {@code /agent}; requests there must carry a token it issued and that has not expired, and are forwarded to the
 * agent with the agent's own token.
 */
final class HopxStandIn implements AutoCloseable {

    static final String KEY = "hopx_test_key";

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<JsonNode> created = new CopyOnWriteArrayList<>();
    final Map<String, String> sandboxes = new ConcurrentHashMap<>(); // id -> status
    final AtomicInteger refused = new AtomicInteger();
    /** Lifetime of the tokens it issues. */
    volatile Duration tokenTtl = Duration.ofMinutes(30);
    /** An agent that answers this status to every request (0: forward normally). */
    volatile int agentFailure;
    /** Hand out tokens the agent refuses, also on refresh. */
    volatile boolean badTokens;
    /** The sandboxes' public_host; null: this server's /agent, in front of the real agent. */
    volatile String publicHost;

    private final ObjectMapper json = new ObjectMapper();
    private final AgentFixture agent;
    private final HttpServer server;
    private final HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final String prefix = "sbx" + Long.toHexString(System.nanoTime());

    HopxStandIn(AgentFixture agent) throws IOException {
        this.agent = agent;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool()); // long polls are held while others go on
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A sandbox that exists already (for connecting by id). */
    String existing() {
        String id = prefix + "-" + next.incrementAndGet();
        sandboxes.put(id, "running");
        return id;
    }

    /** Every token issued so far stops working (as after a key rotation). */
    void revokeAll() {
        tokens.clear();
    }

    private String issue() {
        String t = "tok-" + next.incrementAndGet() + (badTokens ? "-bad" : "");
        if (!badTokens) tokens.put(t, Instant.now().plus(tokenTtl));
        return t;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/agent/")) {
                agentCall(ex, path.substring("/agent".length()));
                return;
            }
            calls.add(ex.getRequestMethod() + " " + path);
            if (!KEY.equals(ex.getRequestHeaders().getFirst("X-API-Key"))) {
                reply(ex, 401, "{\"error\":\"Invalid API key\",\"message\":\"Invalid API key\"}");
                return;
            }
            String[] p = path.split("/");
            if (ex.getRequestMethod().equals("POST") && path.equals("/v1/sandboxes")) {
                created.add(json.readTree(ex.getRequestBody()));
                String id = prefix + "-" + next.incrementAndGet();
                sandboxes.put(id, "running");
                reply(ex, 201, "{\"sandbox_id\":\"" + id + "\",\"status\":\"creating\",\"auth_token\":\"" + issue()
                        + "\",\"token_expires_at\":\"" + Instant.now().plus(tokenTtl) + "\"}");
            } else if (p.length == 4 && path.startsWith("/v1/sandboxes/") && sandboxes.containsKey(p[3])) {
                if (ex.getRequestMethod().equals("DELETE")) {
                    sandboxes.remove(p[3]);
                    ex.sendResponseHeaders(204, -1);
                } else {
                    reply(ex, 200, "{\"id\":\"" + p[3] + "\",\"status\":\"" + sandboxes.get(p[3]) + "\",\"public_host\":\""
                            + (publicHost != null ? publicHost : url() + "/agent") + "\"}");
                }
            } else if (p.length == 6 && path.endsWith("/token/refresh") && sandboxes.containsKey(p[3])) {
                reply(ex, 200, "{\"auth_token\":\"" + issue() + "\",\"token_expires_at\":\"" + Instant.now().plus(tokenTtl) + "\"}");
            } else {
                reply(ex, 404, "{\"error\":\"Sandbox not found\",\"message\":\"Sandbox not found\",\"code\":\"SANDBOX_NOT_FOUND\"}");
            }
        }
    }

    private void agentCall(HttpExchange ex, String path) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String token = auth == null || !auth.startsWith("Bearer ") ? "" : auth.substring(7);
        Instant expiry = tokens.get(token);
        if (expiry == null || Instant.now().isAfter(expiry)) {
            refused.incrementAndGet();
            reply(ex, 401, expiry == null ? "{\"message\":\"Invalid token\",\"code\":\"TOKEN_INVALID\"}"
                    : "{\"message\":\"Token expired\",\"code\":\"TOKEN_EXPIRED\"}");
            return;
        }
        if (agentFailure != 0) {
            reply(ex, agentFailure, "{\"error\":\"agent trouble\",\"message\":\"agent trouble\",\"code\":\"INTERNAL_ERROR\"}");
            return;
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(agent.url() + path + (ex.getRequestURI().getRawQuery() == null ? ""
                : "?" + ex.getRequestURI().getRawQuery()))).header("Authorization", "Bearer " + agent.token)
                .header("Content-Type", "application/json")
                .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> r = forward.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            if (r.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(r.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
