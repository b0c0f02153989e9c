package dev.jbox.kernel.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Frames to {@link Message} and back: {@code [identities..., "<IDS|MSG>", signature, header, parent_header,
 * metadata, content, buffers...]}, signatures checked in constant time.
 */
public final class WireCodec {

    static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

    private final Signer signer;

    public WireCodec(Signer signer) {
        this.signer = signer;
    }

    public Message decode(List<byte[]> frames) throws BadMessageException {
        int d = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                d = i;
                break;
            }
        }
        if (d < 0) throw new BadMessageException("no <IDS|MSG> delimiter in " + frames.size() + " frames");
        if (frames.size() < d + 6) throw new BadMessageException("too few frames after the delimiter: " + (frames.size() - d - 1));
        byte[] signature = frames.get(d + 1);
        byte[] header = frames.get(d + 2), parent = frames.get(d + 3), metadata = frames.get(d + 4), content = frames.get(d + 5);
        if (!signer.verify(signature, header, parent, metadata, content)) {
            throw new BadMessageException(signature.length == 0 ? "missing signature" : "bad signature");
        }
        try {
            JsonNode h = Json.MAPPER.readTree(header);
            for (String field : new String[] {"msg_id", "msg_type"}) {
                if (h == null || !h.hasNonNull(field) || !h.get(field).isTextual()) {
                    throw new BadMessageException("header without " + field);
                }
            }
            JsonNode c = Json.MAPPER.readTree(content);
            JsonNode m = Json.MAPPER.readTree(metadata);
            JsonNode p = Json.MAPPER.readTree(parent);
            if (c == null || !c.isObject()) throw new BadMessageException("content is not a JSON object");
            return new Message(
                    frames.subList(0, d),
                    Json.MAPPER.treeToValue(h, Header.class),
                    p == null || !p.isObject() ? Json.MAPPER.createObjectNode() : p,
                    m != null && m.isObject() ? (ObjectNode) m : Json.MAPPER.createObjectNode(),
                    c,
                    frames.subList(d + 6, frames.size()));
        } catch (JsonProcessingException e) {
            throw new BadMessageException("invalid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadMessageException("unreadable message: " + e.getMessage());
        }
    }

    public List<byte[]> encode(Message msg) {
        try {
            byte[] header = Json.MAPPER.writeValueAsBytes(msg.header());
            byte[] parent = Json.MAPPER.writeValueAsBytes(msg.parentHeader());
            byte[] metadata = Json.MAPPER.writeValueAsBytes(msg.metadata());
            byte[] content = Json.MAPPER.writeValueAsBytes(msg.content());
            List<byte[]> frames = new ArrayList<>(msg.identities().size() + 6 + msg.buffers().size());
            frames.addAll(msg.identities());
            frames.add(DELIMITER);
            frames.add(signer.sign(header, parent, metadata, content).getBytes(StandardCharsets.US_ASCII));
            frames.add(header);
            frames.add(parent);
            frames.add(metadata);
            frames.add(content);
            frames.addAll(msg.buffers());
            return frames;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + msg.type(), e);
        }
    }
}
