package dev.jbox.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbox.kernel.wire.Header;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.MessageFactory;
import java.util.function.Consumer;

/** A request being handled: its message and a way to answer on the socket it came from. */
record Request(Message message, Consumer<Message> replySink, MessageFactory factory) {

    JsonNode content() {
        return message.content();
    }

    Header header() {
        return message.header();
    }

    void reply(String msgType, Object content) {
        replySink.accept(factory.reply(message, msgType, content));
    }
}
