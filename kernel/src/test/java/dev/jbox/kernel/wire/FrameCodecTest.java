package dev.jbox.kernel.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private final ObjectMapper json = new ObjectMapper();
    private final FrameCodec codec = new FrameCodec(json, new Signer("secret-key"));
    private final MessageFactory factory = new MessageFactory(json);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void roundTripKeepsIdentitiesContentAndBuffers() throws Exception {
        Message m = factory.create("execute_request", null, Map.of("code", "1 + 1"), List.of(b("id-1"), b("id-2")));
        List<byte[]> frames = new ArrayList<>(codec.encode(m));
        frames.add(new byte[] {1, 2, 3});
        Message back = codec.decode(frames);
        assertEquals(2, back.identities().size());
        assertArrayEquals(b("id-2"), back.identities().get(1));
        assertEquals("execute_request", back.msgType());
        assertEquals("1 + 1", back.content().get("code").asText());
        assertNull(back.parentHeader());
        assertArrayEquals(new byte[] {1, 2, 3}, back.buffers().get(0));
        assertEquals(m.header(), back.header());
    }

    @Test
    void headerHasProtocolVersionAndMicrosecondUtcDate() {
        Header h = factory.create("status", null, Map.of(), List.of()).header();
        assertEquals("5.3", h.version());
        assertTrue(h.date().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"), h.date());
        assertEquals("2024-01-02T03:04:05.000006Z", Header.formatDate(Instant.parse("2024-01-02T03:04:05.000006Z")));
    }

    @Test
    void replyIsParentedAndRouted() throws Exception {
        Message req = codec.decode(codec.encode(factory.create("kernel_info_request", null, Map.of(), List.of(b("peer")))));
        Message reply = factory.reply(req, "kernel_info_reply", Map.of("status", "ok"));
        assertEquals(req.header().msgId(), reply.parentHeader().msgId());
        assertArrayEquals(b("peer"), reply.identities().get(0));
        Message back = codec.decode(codec.encode(reply));
        assertEquals(req.header(), back.parentHeader());
    }

    @Test
    void rejectsFramesWithoutDelimiter() {
        var e = assertThrows(MalformedMessageException.class, () -> codec.decode(List.of(b("garbage"), b("more"))));
        assertTrue(e.getMessage().contains("delimiter"));
    }

    @Test
    void rejectsTooFewFrames() {
        assertThrows(MalformedMessageException.class, () -> codec.decode(List.of(FrameCodec.DELIMITER, b("sig"), b("{}"))));
    }

    @Test
    void rejectsBadAndMissingSignature() {
        List<byte[]> frames = new ArrayList<>(codec.encode(factory.create("kernel_info_request", null, Map.of(), List.of())));
        frames.set(1, b("0".repeat(64)));
        assertEquals("bad signature", assertThrows(MalformedMessageException.class, () -> codec.decode(frames)).getMessage());
        frames.set(1, new byte[0]);
        assertEquals("missing signature", assertThrows(MalformedMessageException.class, () -> codec.decode(frames)).getMessage());
    }

    @Test
    void rejectsTamperedContent() {
        List<byte[]> frames = new ArrayList<>(codec.encode(factory.create("execute_request", null, Map.of("code", "1"), List.of())));
        frames.set(5, b("{\"code\":\"System.exit(0)\"}"));
        assertThrows(MalformedMessageException.class, () -> codec.decode(frames));
    }

    @Test
    void rejectsInvalidJsonAndHeadersWithoutType() {
        Signer signer = new Signer("secret-key");
        byte[][] bad = {b("{not json"), b("{}"), b("{}"), b("{}")};
        assertThrows(MalformedMessageException.class, () -> codec.decode(signed(signer, bad)));
        byte[][] noType = {b("{\"msg_id\":\"1\",\"session\":\"s\"}"), b("{}"), b("{}"), b("{}")};
        var e = assertThrows(MalformedMessageException.class, () -> codec.decode(signed(signer, noType)));
        assertTrue(e.getMessage().contains("msg_type"));
        byte[][] arrayContent = {b("{\"msg_id\":\"1\",\"msg_type\":\"x\"}"), b("{}"), b("{}"), b("[1]")};
        assertThrows(MalformedMessageException.class, () -> codec.decode(signed(signer, arrayContent)));
    }

    @Test
    void emptyKeyMeansUnsigned() throws Exception {
        FrameCodec unsigned = new FrameCodec(json, new Signer(""));
        List<byte[]> frames = unsigned.encode(factory.create("status", null, Map.of("execution_state", "idle"), List.of()));
        assertEquals(0, frames.get(1).length);
        assertEquals("status", unsigned.decode(frames).msgType());
        assertFalse(new Signer("").isSigning());
    }

    private static List<byte[]> signed(Signer signer, byte[][] four) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(FrameCodec.DELIMITER);
        frames.add(b(signer.sign(four)));
        frames.addAll(List.of(four));
        return frames;
    }
}
