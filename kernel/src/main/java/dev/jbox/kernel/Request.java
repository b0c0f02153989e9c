package dev.jbox.kernel;

import dev.jbox.kernel.wire.Message;

/** A received request and the way to answer it on the socket it came from (usable only by that socket's thread). */
record Request(Message message, Replier replier) {

    @FunctionalInterface
    interface Replier {
        void send(Message request, String msgType, Object content);
    }

    void reply(String msgType, Object content) {
        replier.send(message, msgType, content);
    }

    String type() {
        return message.type();
    }
}
