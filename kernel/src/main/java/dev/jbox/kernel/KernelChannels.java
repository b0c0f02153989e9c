package dev.jbox.kernel;

import dev.jbox.kernel.wire.Message;

/** What request handlers and outputs need from the kernel's sockets, without owning any of them. */
interface KernelChannels {

    /** Queues a broadcast on IOPub with {@code parent} as parent header. */
    void publish(Message parent, String msgType, Object content);

    /** Sends {@code input_request} on stdin, routed to the client of {@code parent}, and waits for the reply. */
    String readInput(Message parent, String prompt, boolean password) throws InterruptedException;
}
