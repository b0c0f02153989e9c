package dev.jbox.kernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One Jupyter message. {@code parentHeader} is the raw JSON of the parent's header ({} when none) so that it is
 * echoed back exactly as the client sent it; {@code identities} are the ZMQ routing frames.
 */
public record Message(
        List<byte[]> identities,
        Header header,
        JsonNode parentHeader,
        ObjectNode metadata,
        JsonNode content,
        List<byte[]> buffers) {

    public Message {
        identities = List.copyOf(identities);
        buffers = List.copyOf(buffers);
    }

    public String type() {
        return header.msgType();
    }

    /** A new message replying to (or caused by) {@code parent}, routed to the same identities. */
    public static Message childOf(Message parent, Header header, JsonNode content) {
        return new Message(parent.identities(), header, parent.rawHeader(), JsonNodeFactory.instance.objectNode(), content, List.of());
    }

    /** This message's header as JSON, for use as another message's parent header. */
    public JsonNode rawHeader() {
        return Json.MAPPER.valueToTree(header);
    }
}
