package dev.jbox.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Signatures agree with jupyter_client's own Session, in both directions (runs /usr/bin/python3). */
class PythonSessionInteropTest {

    private static final String KEY = "5f0b7c1e-interop-key";
    private final ObjectMapper json = new ObjectMapper();

    private static String python(String script, String stdin) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        return out.strip().lines().reduce((a, b) -> b).orElse("");
    }

    @Test
    void messageSignedByPythonSessionVerifiesInJava() throws Exception {
        String script = String.join("\n",
                "import base64, json",
                "from jupyter_client.session import Session",
                "s = Session(key=b'" + KEY + "')",
                "msg = s.msg('execute_request', {'code': 'int x = 1;', 'silent': False})",
                "frames = s.serialize(msg, ident=[b'peer'])",
                "print(json.dumps([base64.b64encode(f).decode() for f in frames]))");
        JsonNode encoded = json.readTree(python(script, ""));
        List<byte[]> frames = new ArrayList<>();
        encoded.forEach(n -> frames.add(Base64.getDecoder().decode(n.asText())));
        Message m = new FrameCodec(json, new Signer(KEY)).decode(frames);
        assertEquals("execute_request", m.msgType());
        assertEquals("int x = 1;", m.content().get("code").asText());
        assertEquals("peer", new String(m.identities().get(0), StandardCharsets.UTF_8));

        List<byte[]> tampered = new ArrayList<>(frames);
        tampered.set(tampered.size() - 1, "{\"code\":\"evil\"}".getBytes(StandardCharsets.UTF_8));
        org.junit.jupiter.api.Assertions.assertThrows(MalformedMessageException.class,
                () -> new FrameCodec(json, new Signer(KEY)).decode(tampered));
    }

    @Test
    void messageSignedInJavaVerifiesInPythonSession() throws Exception {
        FrameCodec codec = new FrameCodec(json, new Signer(KEY));
        MessageFactory factory = new MessageFactory(json);
        List<byte[]> frames = codec.encode(factory.create("stream", null, Map.of("name", "stdout", "text", "héllo\n"), List.of()));
        List<String> b64 = new ArrayList<>();
        for (byte[] f : frames) {
            b64.add(Base64.getEncoder().encodeToString(f));
        }
        String script = String.join("\n",
                "import base64, json, sys",
                "from jupyter_client.session import Session",
                "frames = [base64.b64decode(f) for f in json.load(sys.stdin)]",
                "s = Session(key=b'" + KEY + "')",
                "idents, rest = s.feed_identities(frames)",
                "msg = s.deserialize(rest, content=True)",  // raises on a bad signature
                "bad = Session(key=b'wrong')",
                "try:",
                "    bad.deserialize(rest)",
                "    print('WRONG KEY ACCEPTED')",
                "except ValueError:",
                "    pass",
                "print(json.dumps({'type': msg['msg_type'], 'text': msg['content']['text'], 'version': msg['header']['version']}))");
        JsonNode out = json.readTree(python(script, json.writeValueAsString(b64)));
        assertEquals("stream", out.get("type").asText());
        assertEquals("héllo\n", out.get("text").asText());
        assertEquals("5.3", out.get("version").asText());
    }
}
