package dev.jbox.kernel.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between ZMQ frames and {@link Message}s:
 * {@code [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]}.
 *
 * <pre>{@code
 * List<byte[]> frames = codec.encode(message);
 * Message back = codec.decode(frames);   // throws MalformedMessageException on bad input
 * }</pre>
 */
public final class FrameCodec {

    public static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final Signer signer;

    public FrameCodec(ObjectMapper json, Signer signer) {
        this.json = json;
        this.signer = signer;
    }

    public List<byte[]> encode(Message m) {
        try {
            byte[] header = json.writeValueAsBytes(m.header());
            byte[] parent = m.parentHeader() == null ? EMPTY_OBJECT : json.writeValueAsBytes(m.parentHeader());
            byte[] metadata = json.writeValueAsBytes(m.metadata());
            byte[] content = json.writeValueAsBytes(m.content());
            List<byte[]> frames = new ArrayList<>(m.identities().size() + 6 + m.buffers().size());
            frames.addAll(m.identities());
            frames.add(DELIMITER);
            frames.add(signer.sign(header, parent, metadata, content).getBytes(StandardCharsets.US_ASCII));
            frames.add(header);
            frames.add(parent);
            frames.add(metadata);
            frames.add(content);
            frames.addAll(m.buffers());
            return frames;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + m.msgType() + ": " + e.getOriginalMessage(), e);
        }
    }

    public Message decode(List<byte[]> frames) throws MalformedMessageException {
        int delim = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delim = i;
                break;
            }
        }
        if (delim < 0) {
            throw new MalformedMessageException("no <IDS|MSG> delimiter in " + frames.size() + " frame(s)");
        }
        if (frames.size() - delim - 1 < 5) {
            throw new MalformedMessageException("only " + (frames.size() - delim - 1) + " frame(s) after the delimiter, need 5");
        }
        byte[] sig = frames.get(delim + 1);
        byte[] header = frames.get(delim + 2);
        byte[] parent = frames.get(delim + 3);
        byte[] metadata = frames.get(delim + 4);
        byte[] content = frames.get(delim + 5);
        if (!signer.verify(sig, header, parent, metadata, content)) {
            throw new MalformedMessageException(sig.length == 0 ? "missing signature" : "bad signature");
        }
        Header h = readHeader(header, "header");
        if (h == null || isBlank(h.msgId()) || isBlank(h.msgType())) {
            throw new MalformedMessageException("header lacks msg_id or msg_type");
        }
        Header p = readHeader(parent, "parent_header");
        if (p != null && p.msgId() == null) {
            p = null;
        }
        JsonNode meta = readObject(metadata, "metadata");
        JsonNode body = readObject(content, "content");
        Map<String, Object> metaMap = new LinkedHashMap<>();
        meta.fields().forEachRemaining(e -> metaMap.put(e.getKey(), e.getValue()));
        return new Message(frames.subList(0, delim), h, p, metaMap, body, frames.subList(delim + 6, frames.size()));
    }

    private Header readHeader(byte[] frame, String what) throws MalformedMessageException {
        JsonNode node = readObject(frame, what);
        try {
            return node.isEmpty() ? null : json.treeToValue(node, Header.class);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException(what + " is not a header: " + e.getOriginalMessage());
        }
    }

    private JsonNode readObject(byte[] frame, String what) throws MalformedMessageException {
        try {
            JsonNode node = json.readTree(frame);
            if (node == null || !node.isObject()) {
                throw new MalformedMessageException(what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new MalformedMessageException(what + " is not valid JSON");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
