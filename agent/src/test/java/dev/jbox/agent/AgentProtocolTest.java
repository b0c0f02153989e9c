package dev.jbox.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.remote.envd.Envelope;
import dev.jbox.client.remote.envd.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire protocol as a stock Connect client sees it, over real HTTP: framing, auth, errors. */
class AgentProtocolTest {

    private final ObjectMapper json = new ObjectMapper();
    private AgentFixture agent;

    @BeforeEach
    void up() throws IOException {
        agent = new AgentFixture(AgentServer.Config.loopback(0, "x").maxRequestBytes(64 * 1024).keepalive(java.time.Duration.ofSeconds(1)));
    }

    @AfterEach
    void down() {
        agent.close();
    }

    private List<JsonNode> envelopes(byte[] body) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        Envelope e;
        while ((e = Envelope.read(in, 1 << 24)) != null) {
            JsonNode n = json.readTree(e.payload());
            ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_end", e.endStream());
            out.add(n);
        }
        return out;
    }

    private String startJson(String script) {
        return "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-c\",\"" + script + "\"],\"envs\":{\"GREETING\":\"hi\"}},\"stdin\":false}";
    }

    @Test
    void startStreamsStartDataEndThenEndOfStream() throws Exception {
        HttpResponse<byte[]> r = agent.stream("Start", AgentFixture.envelope(0, startJson("echo $GREETING; echo err >&2; exit 3")), agent.token);
        assertEquals(200, r.statusCode());
        assertEquals(Protocol.CONNECT_JSON, r.headers().firstValue("Content-Type").orElse(""));
        List<JsonNode> ev = envelopes(r.body());
        assertTrue(ev.get(0).at("/event/start/pid").asLong() > 0, ev.toString());
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        JsonNode end = null;
        for (JsonNode n : ev) {
            if (n.at("/event/data/stdout").isTextual()) out.append(new String(Base64.getDecoder().decode(n.at("/event/data/stdout").asText()), StandardCharsets.UTF_8));
            if (n.at("/event/data/stderr").isTextual()) err.append(new String(Base64.getDecoder().decode(n.at("/event/data/stderr").asText()), StandardCharsets.UTF_8));
            if (n.at("/event/end").isObject()) end = n.at("/event/end");
            assertTrue(n.get("jbox") == null, "no extension fields for a stock request: " + n);
        }
        assertEquals("hi\n", out.toString());
        assertEquals("err\n", err.toString());
        assertNotNull(end);
        assertEquals(3, end.get("exitCode").asInt());
        assertTrue(end.get("exited").asBoolean());
        assertEquals("exit status 3", end.get("status").asText());
        JsonNode last = ev.get(ev.size() - 1);
        assertTrue(last.get("_end").asBoolean());
        assertTrue(last.get("error") == null, "clean end: " + last);
    }

    @Test
    void healthAnswers204AndAdvertisesExtensions() throws Exception {
        HttpResponse<String> r = agent.http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/health"))
                .header("X-Access-Token", agent.token).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode());
        assertTrue(r.headers().firstValue(Protocol.FEATURES_HEADER).orElse("").contains("replay"));
    }

    @Test
    void withoutOrWithWrongTokenNothingRuns() throws Exception {
        String marker = agent.root.resolve("ran").toString();
        byte[] body = AgentFixture.envelope(0, startJson("touch " + marker));
        for (String bad : new String[] {null, "wrong", agent.token + "x", ""}) {
            HttpResponse<byte[]> r = agent.stream("Start", body, bad);
            assertEquals(401, r.statusCode(), "token " + bad);
            assertEquals("unauthenticated", json.readTree(r.body()).get("code").asText());
            assertEquals(401, agent.unary("List", "{}", bad).statusCode());
        }
        HttpResponse<String> h = agent.http.send(HttpRequest.newBuilder(URI.create(agent.url() + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, h.statusCode());
        Thread.sleep(200);
        assertFalse(Files.exists(agent.root.resolve("ran")), "a command ran without the token");
        JsonNode list = json.readTree(agent.unary("List", "{\"jbox\":{\"ended\":true}}", agent.token).body());
        assertEquals(0, list.get("processes").size());
    }

    @Test
    void malformedJsonIsAClearInvalidArgument() throws Exception {
        HttpResponse<byte[]> r = agent.unary("SendInput", "{\"process\": {\"pid\": ", agent.token);
        assertEquals(400, r.statusCode());
        JsonNode e = json.readTree(r.body());
        assertEquals("invalid_argument", e.get("code").asText());
        assertTrue(e.get("message").asText().startsWith("malformed JSON"), e.toString());
        assertFalse(e.get("message").asText().contains("\n"));
    }

    @Test
    void malformedEnvelopeIsAConnectErrorInTheTrailer() throws Exception {
        byte[] good = AgentFixture.envelope(0, startJson("true"));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        HttpResponse<byte[]> r = agent.stream("Start", truncated, agent.token);
        assertEquals(200, r.statusCode());
        List<JsonNode> ev = envelopes(r.body());
        assertEquals(1, ev.size());
        assertEquals("invalid_argument", ev.get(0).at("/error/code").asText());
        assertTrue(ev.get(0).at("/error/message").asText().contains("malformed envelope"), ev.toString());

        HttpResponse<byte[]> badJson = agent.stream("Start", AgentFixture.envelope(0, "{not json"), agent.token);
        assertEquals("invalid_argument", envelopes(badJson.body()).get(0).at("/error/code").asText());
        assertTrue(envelopes(badJson.body()).get(0).at("/error/message").asText().startsWith("malformed JSON"));
    }

    @Test
    void oversizedRequestIsRejected() throws Exception {
        String big = "x".repeat(100 * 1024);
        HttpResponse<byte[]> r = agent.unary("SendInput", "{\"process\":{\"pid\":1},\"input\":{\"stdin\":\"" + big + "\"}}", agent.token);
        assertEquals(413, r.statusCode());
        assertEquals("resource_exhausted", json.readTree(r.body()).get("code").asText());
    }

    @Test
    void unknownPidOrTagIsNotFound() throws Exception {
        HttpResponse<byte[]> r = agent.unary("SendSignal", "{\"process\":{\"pid\":999999},\"signal\":\"SIGNAL_SIGKILL\"}", agent.token);
        assertEquals(404, r.statusCode());
        assertEquals("not_found", json.readTree(r.body()).get("code").asText());
        HttpResponse<byte[]> c = agent.stream("Connect", AgentFixture.envelope(0, "{\"process\":{\"tag\":\"nope\"}}"), agent.token);
        JsonNode trailer = envelopes(c.body()).get(0);
        assertEquals("not_found", trailer.at("/error/code").asText());
        assertTrue(trailer.at("/error/message").asText().contains("nope"));
    }

    @Test
    void ptyIsAClearUnimplementedError() throws Exception {
        HttpResponse<byte[]> r = agent.stream("Start", AgentFixture.envelope(0,
                "{\"process\":{\"cmd\":\"/bin/bash\"},\"pty\":{\"size\":{\"cols\":80,\"rows\":24}}}"), agent.token);
        JsonNode trailer = envelopes(r.body()).get(0);
        assertEquals("unimplemented", trailer.at("/error/code").asText());
        assertTrue(trailer.at("/error/message").asText().contains("PTY"));
    }

    @Test
    void connectByTagReplaysWithExtensionAndAnnotatesOffsets() throws Exception {
        HttpResponse<byte[]> s = agent.stream("Start", AgentFixture.envelope(0,
                "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-c\",\"printf abcdef\"]},\"tag\":\"t1\",\"stdin\":false}"), agent.token);
        assertEquals(200, s.statusCode());
        HttpResponse<byte[]> c = agent.stream("Connect", AgentFixture.envelope(0,
                "{\"process\":{\"tag\":\"t1\"},\"jbox\":{\"stdoutOffset\":2,\"stderrOffset\":0}}"), agent.token);
        StringBuilder out = new StringBuilder();
        long firstOffset = -1;
        boolean ended = false;
        for (JsonNode n : envelopes(c.body())) {
            if (n.at("/event/data/stdout").isTextual()) {
                if (firstOffset < 0) firstOffset = n.at("/jbox/offset").asLong();
                out.append(new String(Base64.getDecoder().decode(n.at("/event/data/stdout").asText()), StandardCharsets.UTF_8));
            }
            if (n.at("/event/end").isObject()) ended = true;
        }
        assertEquals("cdef", out.toString());
        assertEquals(2, firstOffset);
        assertTrue(ended);
        // stock Connect (no extension) on an ended process: not_found, as envd
        HttpResponse<byte[]> stock = agent.stream("Connect", AgentFixture.envelope(0, "{\"process\":{\"tag\":\"t1\"}}"), agent.token);
        assertEquals("not_found", envelopes(stock.body()).get(0).at("/error/code").asText());
    }

    @Test
    void updateWithAPtyIsUnimplementedAndUnknownPidNotFound() throws Exception {
        HttpResponse<byte[]> s = agent.stream("Start", AgentFixture.envelope(0,
                "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-c\",\"true\"]},\"tag\":\"u\",\"stdin\":false}"), agent.token);
        long pid = envelopes(s.body()).get(0).at("/event/start/pid").asLong();
        HttpResponse<byte[]> r = agent.unary("Update", "{\"process\":{\"pid\":" + pid + "},\"pty\":{\"size\":{\"cols\":80,\"rows\":24}}}", agent.token);
        assertEquals(501, r.statusCode());
        assertEquals("unimplemented", json.readTree(r.body()).get("code").asText());
        assertTrue(json.readTree(r.body()).get("message").asText().contains("PTY"));
        HttpResponse<byte[]> unknown = agent.unary("Update", "{\"process\":{\"pid\":999999}}", agent.token);
        assertEquals("not_found", json.readTree(unknown.body()).get("code").asText());
        HttpResponse<byte[]> noSelector = agent.unary("CloseStdin", "{}", agent.token);
        assertEquals("invalid_argument", json.readTree(noSelector.body()).get("code").asText());
    }

    @Test
    void envelopeRoundTrip() throws IOException {
        byte[] b = AgentFixture.envelope(Envelope.END_STREAM, "{}");
        Envelope e = Envelope.read(new ByteArrayInputStream(b), 10);
        assertTrue(e.endStream());
        assertArrayEquals("{}".getBytes(), e.payload());
    }
}
