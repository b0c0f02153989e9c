package dev.jbox.kernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates the kernel's outgoing messages: one session id, sequential message ids, current date.
 *
 * <pre>{@code
 * Message status = factory.create("status", parent, Map.of("execution_state", "busy"), List.of());
 * }</pre>
 */
public final class MessageFactory {

    private final ObjectMapper json;
    private final String session = UUID.randomUUID().toString();
    private final AtomicLong counter = new AtomicLong();

    public MessageFactory(ObjectMapper json) {
        this.json = json;
    }

    public String session() {
        return session;
    }

    /** A message of {@code msgType} whose content is {@code content} (a record, map or JsonNode) mapped by Jackson. */
    public Message create(String msgType, Header parent, Object content, List<byte[]> identities) {
        Header header = new Header(session + "_" + counter.incrementAndGet(), session, "kernel",
                Header.formatDate(Instant.now()), msgType, Header.PROTOCOL_VERSION);
        JsonNode body = content instanceof JsonNode n ? n : json.valueToTree(content);
        return new Message(identities, header, parent, Map.of(), body, List.of());
    }

    /** A reply to {@code request}: routed to its sender, parented by its header. */
    public Message reply(Message request, String msgType, Object content) {
        return create(msgType, request.header(), content, request.identities());
    }
}
