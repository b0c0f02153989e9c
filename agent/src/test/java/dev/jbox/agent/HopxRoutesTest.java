package dev.jbox.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HopX's VM-agent process endpoints on a real agent over real HTTP, with the requests the official JavaScript SDK
 * sends ({@code command: "bash", args: ["-c", CMD]}, {@code workdir}, {@code timeout} in seconds, Bearer token).
 */
class HopxRoutesTest {

    private final ObjectMapper json = new ObjectMapper();
    private AgentFixture agent;

    @BeforeEach
    void up() throws IOException {
        agent = new AgentFixture();
    }

    @AfterEach
    void down() {
        agent.close();
    }

    private record Answer(int status, JsonNode body) {
    }

    private Answer call(String method, String path, String body, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(agent.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> r = agent.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? json.nullNode() : json.readTree(r.body()));
    }

    private Answer call(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, agent.token);
    }

    private static String sdkCommand(String script, String extra) {
        return "{\"command\":\"bash\",\"args\":[\"-c\"," + quote(script) + "]" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private JsonNode find(String id) throws IOException, InterruptedException {
        Answer list = call("GET", "/execute/processes", null);
        assertEquals(200, list.status(), list.body().toString());
        for (JsonNode p : list.body().get("processes")) if (id.equals(p.path("process_id").asText())) return p;
        throw new AssertionError("no " + id + " in " + list.body());
    }

    private JsonNode awaitFinal(String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode p = find(id);
        while (System.nanoTime() < deadline && (p.path("status").asText().equals("running") || p.path("status").asText().equals("queued"))) {
            Thread.sleep(20);
            p = find(id);
        }
        return p;
    }

    @Test
    void foregroundRunAnswersOutputAndExitCode() throws Exception {
        Answer ok = call("POST", "/commands/run", sdkCommand("echo $GREETING; pwd; echo oops >&2",
                "\"timeout\":30,\"workdir\":\"/workspace\",\"env\":{\"GREETING\":\"hi\"}"));
        assertEquals(200, ok.status(), ok.body().toString());
        assertEquals("hi\n" + agent.root.toRealPath() + "\n", ok.body().get("stdout").asText(),
                "/workspace, absent here, means the agent's root");
        assertEquals("oops\n", ok.body().get("stderr").asText());
        assertEquals(0, ok.body().get("exit_code").asInt());
        assertTrue(ok.body().get("success").asBoolean());
        assertTrue(ok.body().get("execution_time").asDouble() > 0);

        Answer failed = call("POST", "/commands/run", sdkCommand("echo partial; exit 3", "\"timeout\":30"));
        assertEquals(200, failed.status(), "a failing command is an answer, not an HTTP error (the SDK would retry a 5xx)");
        assertEquals(3, failed.body().get("exit_code").asInt());
        assertFalse(failed.body().get("success").asBoolean());
        assertEquals("partial\n", failed.body().get("stdout").asText());

        Answer documented = call("POST", "/commands/run", "{\"command\":\"echo $0 | grep -c sh\",\"working_dir\":\"" + agent.root + "\"}");
        assertEquals("1\n", documented.body().get("stdout").asText(), "a bare command line runs under /bin/sh -c, as documented");
        assertEquals(0, call("GET", "/execute/processes", null).body().get("count").asInt(),
                "foreground commands are not background processes, and the agent keeps no record of them");
    }

    @Test
    void foregroundTimeoutIs408WithTheOutputSoFar() throws Exception {
        long t0 = System.nanoTime();
        Answer a = call("POST", "/commands/run", sdkCommand("echo before; sleep 30", "\"timeout\":1"));
        assertEquals(408, a.status(), a.body().toString());
        assertEquals("EXECUTION_TIMEOUT", a.body().get("code").asText());
        assertEquals("before\n", a.body().get("stdout").asText());
        assertTrue(a.body().get("message").asText().contains("timed out after 1 s"), a.body().toString());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "killed, not waited for");
    }

    @Test
    void backgroundCommandsAreListedWithHopxStatesAndOutput() throws Exception {
        Answer started = call("POST", "/commands/background", sdkCommand("echo task=$TASK_NAME; sleep 0.3; echo done",
                "\"timeout\":600,\"workdir\":\"/workspace\",\"env\":{\"TASK_NAME\":\"data-processing\"},\"name\":\"data-processing\""));
        assertEquals(200, started.status(), started.body().toString());
        String id = started.body().get("process_id").asText();
        assertEquals(id, started.body().get("processId").asText(), "camelCase alias, as the documentation's JS examples read it");
        assertTrue(started.body().get("status").asText().matches("queued|running"), started.body().toString());

        JsonNode running = find(id);
        assertEquals("running", running.get("status").asText());
        assertEquals("data-processing", running.get("name").asText());
        assertTrue(running.get("exit_code") == null || running.get("exit_code").isNull());

        JsonNode done = awaitFinal(id);
        assertEquals("completed", done.get("status").asText(), done.toString());
        assertEquals(0, done.get("exit_code").asInt());
        assertEquals("task=data-processing\ndone\n", done.get("stdout").asText());
        assertEquals(done.get("stdout").asText().length(), done.get("stdout_bytes").asLong());
        assertTrue(done.hasNonNull("completed_at") && done.hasNonNull("started_at"));
        assertEquals("echo task=$TASK_NAME; sleep 0.3; echo done", done.get("command").asText());

        String failing = call("POST", "/commands/background", sdkCommand("echo bad >&2; exit 7", "")).body().get("process_id").asText();
        JsonNode f = awaitFinal(failing);
        assertEquals("failed", f.get("status").asText());
        assertEquals(7, f.get("exit_code").asInt());
        assertEquals("bad\n", f.get("stderr").asText());

        String timed = call("POST", "/commands/background", sdkCommand("sleep 30", "\"timeout\":1")).body().get("process_id").asText();
        assertEquals("timeout", awaitFinal(timed).get("status").asText(), "HopX's per-command timeout");
    }

    @Test
    void killEndsTheWholeTreeAndUnknownIdsAre404() throws Exception {
        Path marker = agent.root.resolve("child-alive");
        String id = call("POST", "/commands/background", sdkCommand("(while true; do touch " + marker + "; sleep 0.05; done) & sleep 300",
                "\"timeout\":600")).body().get("process_id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(marker) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(marker), "the child runs");

        Answer killed = call("POST", "/execute/kill/" + id, null);
        assertEquals(200, killed.status(), killed.body().toString());
        assertEquals("killed", killed.body().get("status").asText());
        assertEquals("killed", find(id).get("status").asText());
        Files.delete(marker);
        Thread.sleep(300);
        assertFalse(Files.exists(marker), "the background child died with its parent");

        Answer again = call("POST", "/execute/kill/" + id, null);
        assertEquals(404, again.status());
        assertTrue(again.body().get("message").asText().contains("already ended (killed"), again.body().toString());

        Answer unknown = call("POST", "/execute/kill/proc_nope", null);
        assertEquals(404, unknown.status());
        assertEquals("PROCESS_NOT_FOUND", unknown.body().get("code").asText());
        assertEquals("no process 'proc_nope' on this agent", unknown.body().get("message").asText());

        String other = call("POST", "/commands/background", sdkCommand("sleep 300", "")).body().get("process_id").asText();
        Answer documented = call("DELETE", "/execute/kill", "{\"process_id\":\"" + other + "\"}");
        assertEquals(200, documented.status(), "the documented DELETE form: " + documented.body());
        assertEquals("killed", find(other).get("status").asText());
    }

    @Test
    void badRequestsGetOneClearLine() throws Exception {
        Answer noToken = call("GET", "/execute/processes", null, null);
        assertEquals(401, noToken.status());
        assertTrue(noToken.body().get("message").asText().contains("Authorization: Bearer"), noToken.body().toString());
        assertEquals(401, call("GET", "/execute/processes", null, "wrong").status());

        HttpResponse<String> envdHeader = agent.http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/execute/processes"))
                .header("X-Access-Token", agent.token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, envdHeader.statusCode(), "envd's token header works here too");

        Answer noCommand = call("POST", "/commands/background", "{\"args\":[]}");
        assertEquals(400, noCommand.status());
        assertEquals("missing command", noCommand.body().get("message").asText());

        Answer badJson = call("POST", "/commands/run", "{\"command\": ");
        assertEquals(400, badJson.status());
        assertTrue(badJson.body().get("message").asText().startsWith("malformed JSON"), badJson.body().toString());

        Answer badDir = call("POST", "/commands/run", sdkCommand("true", "\"workdir\":\"/no/such/dir\""));
        assertEquals(400, badDir.status());
        assertTrue(badDir.body().get("message").asText().contains("/no/such/dir does not exist"), badDir.body().toString());

        Answer badTimeout = call("POST", "/commands/background", sdkCommand("true", "\"timeout\":-5"));
        assertEquals(400, badTimeout.status());
        assertTrue(badTimeout.body().get("message").asText().contains("timeout must be a positive number of seconds"));

        Answer wrongMethod = call("GET", "/commands/run", null);
        assertEquals(405, wrongMethod.status());
        assertEquals("METHOD_NOT_ALLOWED", wrongMethod.body().get("code").asText());
    }

    @Test
    void envdRoutesStillNeedTheirOwnHeader() throws Exception {
        HttpResponse<byte[]> r = agent.unary("List", "{}", agent.token);
        assertEquals(200, r.statusCode(), "envd's RPCs are unchanged next to the HopX routes");
    }

    @Test
    void healthAnswersHopxClientsWithAStatusAndEnvdClientsAsBefore() throws Exception {
        Answer hopx = call("GET", "/health", null);
        assertEquals(200, hopx.status(), hopx.body().toString());
        assertEquals("healthy", hopx.body().get("status").asText(), "the SDK's isHealthy() accepts ok or healthy");
        assertTrue(hopx.body().get("uptime_seconds").isIntegralNumber(), hopx.body().toString());
        assertTrue(hopx.body().hasNonNull("version"), hopx.body().toString());

        Answer wrong = call("GET", "/health", null, "not-the-token");
        assertEquals(401, wrong.status(), "a wrong Bearer token is refused on /health too");
        assertEquals("TOKEN_INVALID", wrong.body().get("code").asText());

        HttpResponse<String> envd = agent.http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/health"))
                .header("X-Access-Token", agent.token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, envd.statusCode(), "envd's /health stays an empty 204");
    }
}
