package dev.jbox.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.E2bOptions;
import dev.jbox.client.remote.RemoteOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contract test of {@code Sandbox.e2b}: the real provider cannot be reached from here, so a small local server
 * implements the documented subset of the E2B control API (POST /v2/sandboxes or the older POST /sandboxes,
 * DELETE /sandboxes/{id}, X-API-KEY)
 * and hands out the access token of a real jbox agent, which plays the sandbox's envd.
 */
class E2bControlApiContractTest {

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private AgentFixture envd;
    private HttpServer api;
    /** false: an older provider that only has POST /sandboxes */
    private volatile boolean v2 = true;

    @BeforeEach
    void up() throws IOException {
        envd = new AgentFixture();
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        api.createContext("/", this::controlApi);
        api.start();
    }

    @AfterEach
    void down() {
        api.stop(0);
        envd.close();
    }

    private void controlApi(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            calls.add(ex.getRequestMethod() + " " + path);
            if (!"e2b_test_key".equals(ex.getRequestHeaders().getFirst("X-API-KEY"))) {
                reply(ex, 401, "{\"code\":401,\"message\":\"Invalid API key\"}");
                return;
            }
            if (ex.getRequestMethod().equals("POST") && (path.equals("/v2/sandboxes") && v2 || path.equals("/sandboxes"))) {
                bodies.add(json.readTree(ex.getRequestBody()));
                reply(ex, 201, "{\"sandboxID\":\"sbx123\",\"templateID\":\"base\",\"clientID\":\"c1\",\"envdVersion\":\"0.5.4\","
                        + "\"envdAccessToken\":\"" + envd.token + "\",\"domain\":null}");
            } else if (ex.getRequestMethod().equals("POST") && (path.equals("/v2/sandboxes/sbx123/connect") && v2
                    || path.equals("/sandboxes/sbx123/connect"))) {
                bodies.add(json.readTree(ex.getRequestBody()));
                reply(ex, 200, "{\"sandboxID\":\"sbx123\",\"templateID\":\"base\",\"clientID\":\"c1\",\"envdVersion\":\"0.5.4\","
                        + "\"envdAccessToken\":\"" + envd.token + "\",\"domain\":null}");
            } else if (ex.getRequestMethod().equals("POST") && path.matches("(/v2)?/sandboxes/[^/]+/connect") && v2) {
                reply(ex, 404, "{\"code\":404,\"message\":\"sandbox not found\"}");
            } else if (ex.getRequestMethod().equals("DELETE") && path.equals("/sandboxes/sbx123")) {
                ex.sendResponseHeaders(204, -1);
            } else {
                reply(ex, 404, "{\"code\":404,\"message\":\"not found\"}");
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private E2bOptions options() {
        return E2bOptions.fromEnv().apiKey("e2b_test_key").apiUrl("http://127.0.0.1:" + api.getAddress().getPort())
                .sandboxUrl(envd.url()).template("base").timeout(Duration.ofMinutes(7)).remote(RemoteOptions.defaults());
    }

    @Test
    void createsRunsAndKillsOnClose() {
        try (Sandbox sb = Sandbox.e2b(options())) {
            assertEquals("hello\n", sb.commands().run("echo hello").stdout());
        }
        assertEquals(List.of("POST /v2/sandboxes", "DELETE /sandboxes/sbx123"), calls);
        JsonNode body = bodies.get(0);
        assertEquals("base", body.get("templateID").asText());
        assertEquals(420, body.get("timeout").asLong());
    }

    @Test
    void fallsBackToTheOlderCreateCall() {
        v2 = false;
        try (Sandbox sb = Sandbox.e2b(options())) {
            assertEquals("v1\n", sb.commands().run("echo v1").stdout());
        }
        assertEquals(List.of("POST /v2/sandboxes", "POST /sandboxes", "DELETE /sandboxes/sbx123"), calls);
        assertTrue(bodies.get(0).get("secure").asBoolean(), "the older call asks for a secured sandbox (access token)");
    }

    @Test
    void keepLeavesTheSandboxRunning() {
        try (Sandbox sb = Sandbox.e2b(options().keep(true))) {
            assertEquals(0, sb.commands().run("true").exitCode());
        }
        assertEquals(List.of("POST /v2/sandboxes"), calls);
    }

    @Test
    void connectsToARunningSandboxByIdAndLeavesItRunning() {
        try (Sandbox sb = Sandbox.e2b(options().sandboxId("sbx123"))) {
            assertEquals("again\n", sb.commands().run("echo again").stdout());
        }
        assertEquals(List.of("POST /v2/sandboxes/sbx123/connect"), calls, "no create, and no delete on close");
        assertEquals(420, bodies.get(0).get("timeout").asLong(), "the timeout is extended");
    }

    @Test
    void connectFallsBackToTheOlderCallAndAnUnknownIdIsOneClearLine() {
        v2 = false; // an older provider: /v2 routes are unknown (404 without the API's JSON)
        try (Sandbox sb = Sandbox.e2b(options().sandboxId("sbx123"))) {
            assertEquals(0, sb.commands().run("true").exitCode());
        }
        assertEquals(List.of("POST /v2/sandboxes/sbx123/connect", "POST /sandboxes/sbx123/connect"), calls);
        v2 = true;
        SandboxException e = assertThrows(SandboxException.class, () -> Sandbox.e2b(options().sandboxId("gone42")));
        assertTrue(e.getMessage().contains("no sandbox 'gone42'"), e.getMessage());
    }

    @Test
    void wrongKeyIsOneClearLine() {
        SandboxException e = assertThrows(SandboxException.class, () -> Sandbox.e2b(options().apiKey("bad")));
        assertTrue(e.getMessage().contains("401") && e.getMessage().contains("Invalid API key"), e.getMessage());
        SandboxException none = assertThrows(SandboxException.class, () -> Sandbox.e2b(options().apiKey(null)));
        assertTrue(none.getMessage().contains("E2B_API_KEY"));
    }

    @Test
    void defaultEnvdUrlFollowsTheProviderScheme() {
        // without a sandbox URL override the client derives https://49983-<id>.<domain>, which is unreachable here:
        SandboxException e = assertThrows(SandboxException.class,
                () -> Sandbox.e2b(options().sandboxUrl(null).domain("invalid.test")));
        assertTrue(e.getMessage().contains("https://49983-sbx123.invalid.test"), e.getMessage());
        assertTrue(calls.contains("DELETE /sandboxes/sbx123"), "a sandbox we cannot use is killed again: " + calls);
    }
}
