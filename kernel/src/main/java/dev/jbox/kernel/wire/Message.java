package dev.jbox.kernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * One Jupyter message. {@code identities} are the ZMQ routing ids of the sender (empty for IOPub),
 * {@code parentHeader} is null when there is no parent, {@code content} is a JSON object.
 */
public record Message(
        List<byte[]> identities,
        Header header,
        Header parentHeader,
        Map<String, Object> metadata,
        JsonNode content,
        List<byte[]> buffers) {

    public Message {
        identities = List.copyOf(identities);
        metadata = Map.copyOf(metadata);
        buffers = List.copyOf(buffers);
    }

    public String msgType() {
        return header.msgType();
    }
}
