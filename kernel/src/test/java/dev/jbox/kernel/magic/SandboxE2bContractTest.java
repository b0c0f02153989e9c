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
import dev.jbox.client.remote.E2bOptions;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.kernel.eval.EvalResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract test of {@code %sandbox e2b}: the provider's control API cannot be reached from here, so a local
 * server implements the documented subset (create, delete); the sandbox it "creates" is a real jbox agent.
 */
class SandboxE2bContractTest {

    private static final String KEY = "e2b_kernel_test_key";
    private static final String ENVD_TOKEN = "envd-token-for-the-test";

    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> created = new CopyOnWriteArrayList<>();
    private HttpServer api;
    private AgentServer envd;
    private Sandbox served;
    private MagicEvaluator ev;

    @BeforeEach
    void up() throws IOException {
        served = Sandbox.local(LocalOptions.defaults().workDir(dir).killGrace(Duration.ofMillis(300)));
        envd = AgentServer.start(served, AgentServer.Config.loopback(0, ENVD_TOKEN));
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        api.createContext("/", this::controlApi);
        api.start();
        ev = MagicEvaluator.fromEnvironment(new JavaRecorder(), Map.of());
        ev.session().e2bDefaults(() -> E2bOptions.fromEnv().apiKey(KEY).apiUrl("http://127.0.0.1:" + api.getAddress().getPort())
                .sandboxUrl(envd.url()).remote(RemoteOptions.defaults()));
    }

    @AfterEach
    void down() {
        ev.close();
        api.stop(0);
        envd.close();
        served.close();
    }

    private void controlApi(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            calls.add(ex.getRequestMethod() + " " + path);
            if (!KEY.equals(ex.getRequestHeaders().getFirst("X-API-KEY"))) {
                reply(ex, 401, "{\"code\":401,\"message\":\"Invalid API key\"}");
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/v2/sandboxes")) {
                created.add(json.readTree(ex.getRequestBody()));
                reply(ex, 201, "{\"sandboxID\":\"sbx42\",\"templateID\":\"base\",\"envdVersion\":\"0.5.4\",\"envdAccessToken\":\""
                        + ENVD_TOKEN + "\",\"domain\":null}");
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/v2/sandboxes/sbx42/connect")) {
                reply(ex, 200, "{\"sandboxID\":\"sbx42\",\"templateID\":\"base\",\"envdVersion\":\"0.5.4\",\"envdAccessToken\":\""
                        + ENVD_TOKEN + "\",\"domain\":null}");
            } else if (ex.getRequestMethod().equals("DELETE") && path.equals("/sandboxes/sbx42")) {
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

    private String ok(String cell) {
        EvalResult r = ev.evaluate(cell, new RecordingCellOutput());
        assertFalse(r.isError(), () -> cell + " failed: " + r.error());
        return r.value() == null ? "" : (String) r.value().data().get("text/plain");
    }

    private String error(String cell) {
        EvalResult r = ev.evaluate(cell, new RecordingCellOutput());
        assertTrue(r.isError(), () -> cell + " should fail");
        return r.error().evalue();
    }

    @Test
    void e2bCreatesASandboxRunsThereAndDeletesItWhenLeft() {
        String switched = ok("%sandbox e2b --template python --timeout 2m");
        assertTrue(switched.contains(envd.url()), switched);
        assertEquals(List.of("POST /v2/sandboxes"), calls);
        assertEquals("python", created.get(0).path("templateID").asText());
        assertEquals(120, created.get(0).path("timeout").asInt());

        ok("%bg --name cloud-job sleep 30");
        assertTrue(served.commands().get("cloud-job").isPresent(), "the command ran in the created sandbox");
        String refused = error("%sandbox local");
        assertTrue(refused.contains("cloud-job") && refused.contains("--force"), "leaving deletes the sandbox: " + refused);
        ok("%sandbox local --force");
        assertEquals("DELETE /sandboxes/sbx42", calls.get(calls.size() - 1), "left without --keep: deleted");
    }

    @Test
    void keepLeavesTheSandboxRunning() {
        ok("%sandbox e2b --keep");
        ok("%bg --name kept-job sleep 30");
        ok("%sandbox local");
        assertFalse(calls.contains("DELETE /sandboxes/sbx42"), "kept: " + calls);
        assertFalse(served.commands().get("kept-job").orElseThrow().state().isFinal(), "its process still runs");
    }

    @Test
    void aKeptSandboxIsFoundAgainByIdAfterARestart() {
        ok("%sandbox e2b --keep");
        ok("%bg --name long-job sleep 30");
        ev.close(); // a kernel restart
        Map<String, String> env = Map.of(SandboxChoice.ENV, "e2b:sbx42", "E2B_API_KEY", KEY,
                "E2B_API_URL", "http://127.0.0.1:" + api.getAddress().getPort(), "E2B_SANDBOX_URL", envd.url());
        ev = MagicEvaluator.fromEnvironment(new JavaRecorder(), env);
        ev.session().e2bDefaults(() -> E2bOptions.fromEnv(env));
        String ps = ok("%ps");
        assertTrue(ps.contains("long-job"), "JBOX_SANDBOX=e2b:ID connects to the kept sandbox: " + ps);
        assertTrue(calls.contains("POST /v2/sandboxes/sbx42/connect"), calls.toString());
        ok("%sandbox local");
        ok("%sandbox e2b --id sbx42");
        assertTrue(ok("%ps").contains("long-job"));
        ok("%sandbox local");
        assertFalse(calls.contains("DELETE /sandboxes/sbx42"), "neither kept nor attached sandboxes are deleted: " + calls);
        assertTrue(error("%sandbox e2b --id sbx42 --keep").contains("--id connects to a running sandbox"));
    }

    @Test
    void aWrongKeyIsOneLineAndKeepsTheCurrentSandbox() {
        ev.session().e2bDefaults(() -> E2bOptions.fromEnv().apiKey("wrong").apiUrl("http://127.0.0.1:" + api.getAddress().getPort())
                .sandboxUrl(envd.url()));
        String e = error("%sandbox e2b");
        assertTrue(e.contains("401") && e.contains("Invalid API key"), e);
        assertTrue(e.contains("still on local"), e);
        assertTrue(ok("%sandbox").contains("local"));
    }
}
