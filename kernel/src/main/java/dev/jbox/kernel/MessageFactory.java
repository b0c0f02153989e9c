package dev.jbox.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.jbox.kernel.wire.Contents;
import dev.jbox.kernel.wire.Header;
import dev.jbox.kernel.wire.Message;
import java.util.List;
import java.util.UUID;

/** Builds the kernel's outgoing messages: one session id for the kernel's lifetime. */
final class MessageFactory {

    private final String session = UUID.randomUUID().toString();

    /** A reply or broadcast caused by {@code parent} (null parent: no parent header, no identities). */
    Message create(Message parent, String msgType, Object content) {
        Header header = Header.create(msgType, session, "jbox");
        JsonNode body = Contents.toJson(content);
        if (parent == null) {
            return new Message(List.of(), header, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), body, List.of());
        }
        return Message.childOf(parent, header, body);
    }

    /** An IOPub message: the topic frame is the message type, parent as given. */
    Message broadcast(Message parent, String msgType, Object content) {
        Message m = create(parent, msgType, content);
        return new Message(List.of(msgType.getBytes(java.nio.charset.StandardCharsets.UTF_8)), m.header(), m.parentHeader(), m.metadata(), m.content(), m.buffers());
    }
}
