package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jbox.agent.AgentServer;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.remote.hopx.HopxOptions;
import dev.jbox.kernel.eval.EvalResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract test of {@code %sandbox hopx}: HopX's control API cannot be reached from here, so a local server answers
 * the calls jbox makes (create, get, token refresh, delete); the sandbox's {@code public_host} is a real jbox agent.
 */
class SandboxHopxContractTest {

    private static final String KEY = "hopx_kernel_test_key";
    private static final String AGENT_TOKEN = "hopx-agent-token-for-the-test";

    @TempDir
    Path dir;

    @TempDir
    Path logs;

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> created = new CopyOnWriteArrayList<>();
    private final String sandboxId = "sbx" + Long.toHexString(System.nanoTime());
    private HttpServer api;
    private AgentServer agent;
    private Sandbox served;
    private MagicEvaluator ev;

    @BeforeEach
    void up() throws IOException {
        served = Sandbox.local(LocalOptions.defaults().workDir(dir).killGrace(Duration.ofMillis(300)));
        agent = AgentServer.start(served, AgentServer.Config.loopback(0, AGENT_TOKEN));
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        api.createContext("/", this::controlApi);
        api.start();
        ev = MagicEvaluator.fromEnvironment(new JavaRecorder(), Map.of());
        ev.session().hopxDefaults(() -> HopxOptions.fromEnv(Map.of()).apiKey(KEY).logRoot(logs.toString()));
    }

    @AfterEach
    void down() {
        ev.close();
        api.stop(0);
        agent.close();
        served.close();
    }

    private String apiUrl() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    private void controlApi(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            calls.add(ex.getRequestMethod() + " " + path);
            String expires = Instant.now().plus(Duration.ofHours(2)).toString();
            String info = "{\"id\":\"" + sandboxId + "\",\"status\":\"running\",\"public_host\":\"" + agent.url() + "\"}";
            if (!KEY.equals(ex.getRequestHeaders().getFirst("X-API-Key"))) {
                reply(ex, 401, "{\"message\":\"Invalid API key\"}");
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/v1/sandboxes")) {
                created.add(json.readTree(ex.getRequestBody()));
                reply(ex, 201, "{\"sandbox_id\":\"" + sandboxId + "\",\"status\":\"running\",\"public_host\":\"" + agent.url()
                        + "\",\"auth_token\":\"" + AGENT_TOKEN + "\",\"token_expires_at\":\"" + expires + "\"}");
            } else if (path.equals("/v1/sandboxes/" + sandboxId) && ex.getRequestMethod().equals("GET")) {
                reply(ex, 200, info);
            } else if (path.equals("/v1/sandboxes/" + sandboxId + "/token/refresh")) {
                reply(ex, 200, "{\"auth_token\":\"" + AGENT_TOKEN + "\",\"token_expires_at\":\"" + expires + "\"}");
            } else if (path.equals("/v1/sandboxes/" + sandboxId) && ex.getRequestMethod().equals("DELETE")) {
                ex.sendResponseHeaders(204, -1);
            } else {
                reply(ex, 404, "{\"message\":\"Sandbox not found\"}");
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

    private String ok(String cell) {
        return ok(cell, new RecordingCellOutput());
    }

    private String ok(String cell, RecordingCellOutput out) {
        EvalResult r = ev.evaluate(cell, out);
        assertFalse(r.isError(), () -> cell + " failed: " + r.error());
        return r.value() == null ? "" : (String) r.value().data().get("text/plain");
    }

    private String error(String cell) {
        EvalResult r = ev.evaluate(cell, new RecordingCellOutput());
        assertTrue(r.isError(), () -> cell + " should fail");
        return r.error().evalue();
    }

    @Test
    void theMagicsRunOnAHopxSandboxAndItIsDeletedWhenLeft() throws Exception {
        String switched = ok("%sandbox hopx --base-url " + apiUrl() + " --template code-interpreter --timeout 2m");
        assertTrue(switched.contains("hopx sandbox " + sandboxId) && switched.contains(agent.url()), switched);
        assertEquals("code-interpreter", created.get(0).path("template_name").asText());
        assertEquals(120, created.get(0).path("timeout_seconds").asInt());

        RecordingCellOutput bg = new RecordingCellOutput();
        ok("%bg --name data-processing --env TASK_NAME=data-processing --timeout 10m for i in 1 2 3; do echo \"$TASK_NAME $i\"; sleep 0.1; done", bg);
        ok("%bg --name broken echo oops >&2; exit 3");
        ok("%bg --name server sleep 600");
        String waited = ok("%wait data-processing broken");
        assertTrue(waited.contains("data-processing: completed, exit code 0"), waited);
        assertTrue(waited.contains("broken: failed, exit code 3"), waited);
        assertEquals("data-processing 1\ndata-processing 2\ndata-processing 3\n", bg.text("stdout"), "the %bg cell got every line");

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String ps = ok("%ps");
        while (!(ps.contains("completed") && ps.contains("failed")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            ps = ok("%ps");
        }
        assertTrue(ps.matches("(?s).*data-processing\\s.*completed.*"), "HopX's own state names: " + ps);
        assertTrue(ps.matches("(?s).*broken\\s.*failed.*"), ps);
        assertTrue(ps.matches("(?s).*server\\s.*running.*"), ps);

        RecordingCellOutput logs = new RecordingCellOutput();
        ok("%logs broken --stderr", logs);
        assertEquals("oops\n", logs.text("stderr"));
        assertTrue(error("%stdin server hello").contains("no stdin"));
        assertTrue(ok("%kill server").contains("killed the process tree of server"));
        assertTrue(error("%kill nope").contains("no process 'nope'"));
        assertTrue(served.commands().list().stream().noneMatch(p -> !p.state().isFinal()), "nothing runs any more on the agent");

        ok("%sandbox local");
        assertEquals("DELETE /v1/sandboxes/" + sandboxId, calls.get(calls.size() - 1), "created, so deleted when left");
    }

    @Test
    void aKeptSandboxIsFoundAgainByIdAfterARestart() throws Exception {
        ok("%sandbox hopx --base-url " + apiUrl() + " --keep");
        ok("%bg --name long-job for i in $(seq 1 20); do echo step $i; sleep 0.05; done");
        ev.close(); // a kernel restart
        Map<String, String> env = Map.of(SandboxChoice.ENV, "hopx:" + sandboxId, "HOPX_API_KEY", KEY, "HOPX_BASE_URL", apiUrl());
        ev = MagicEvaluator.fromEnvironment(new JavaRecorder(), env);
        ev.session().hopxDefaults(() -> HopxOptions.fromEnv(env).logRoot(logs.toString()));
        // the session's choice came from JBOX_SANDBOX before the test could point its logs at the temp dir: switch
        ok("%sandbox hopx --id " + sandboxId);
        assertTrue(ok("%ps --all").contains("long-job"));
        ok("%wait long-job");
        RecordingCellOutput out = new RecordingCellOutput();
        ok("%logs long-job", out);
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 20; i++) expected.append("step ").append(i).append('\n');
        assertEquals(expected.toString(), out.text("stdout"), "all of it, also what was written between the sessions");
        ok("%sandbox local");
        assertFalse(calls.stream().anyMatch(c -> c.startsWith("DELETE")), "neither a kept nor an attached sandbox is deleted: " + calls);
        assertTrue(error("%sandbox hopx --id " + sandboxId + " --keep").contains("--id connects to a running sandbox"));
    }

    @Test
    void badSettingsAreOneLineAndKeepTheCurrentSandbox() {
        ev.session().hopxDefaults(() -> HopxOptions.fromEnv(Map.of()).logRoot(logs.toString()));
        String noKey = error("%sandbox hopx --base-url " + apiUrl());
        assertTrue(noKey.contains("no HopX API key: set HOPX_API_KEY") && noKey.contains("still on local"), noKey);
        ev.session().hopxDefaults(() -> HopxOptions.fromEnv(Map.of()).apiKey("wrong").logRoot(logs.toString()));
        String wrong = error("%sandbox hopx --base-url " + apiUrl());
        assertTrue(wrong.contains("refused the API key") && wrong.contains("Invalid API key"), wrong);
        ev.session().hopxDefaults(() -> HopxOptions.fromEnv(Map.of()).apiKey(KEY).logRoot(logs.toString()));
        String unknown = error("%sandbox hopx --base-url " + apiUrl() + " --id sbx-gone");
        assertTrue(unknown.contains("no HopX sandbox 'sbx-gone'"), unknown);
        assertTrue(error("%sandbox hopx --base-url " + apiUrl() + " --domain x").contains("--domain is for %sandbox e2b"));
        assertTrue(error("%sandbox e2b --base-url " + apiUrl()).contains("--base-url is for %sandbox hopx"));
        assertTrue(ok("%sandbox").contains("local"));
        assertEquals(SandboxChoice.Kind.HOPX, SandboxChoice.fromEnv(Map.of(SandboxChoice.ENV, "hopx")).kind());
        assertEquals("abc", SandboxChoice.fromEnv(Map.of(SandboxChoice.ENV, "hopx:abc")).hopx().sandboxId());
    }
}
