package dev.jbox.kernel.wire;

import java.util.ArrayList;
import java.util.List;
import org.zeromq.ZMQ;

/**
 * A ZMQ socket speaking Jupyter messages. Owned by one thread: only that thread calls receive/send.
 * Bad input is logged in one line and skipped, so a loop on {@link #receive()} never dies of it.
 */
public final class WireSocket {

    private static final System.Logger LOG = System.getLogger("jbox.wire");

    private final String name;
    private final ZMQ.Socket socket;
    private final FrameCodec codec;

    public WireSocket(String name, ZMQ.Socket socket, FrameCodec codec) {
        this.name = name;
        this.socket = socket;
        this.codec = codec;
    }

    public String name() {
        return name;
    }

    public ZMQ.Socket zmq() {
        return socket;
    }

    /** The next message (blocking unless {@code flags} say otherwise), or null when none came or it was dropped. */
    public Message receive(int flags) {
        List<byte[]> frames = new ArrayList<>(8);
        byte[] first = socket.recv(flags);
        if (first == null) {
            return null;
        }
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        try {
            Message m = codec.decode(frames);
            LOG.log(System.Logger.Level.DEBUG, () -> name + " <- " + m.msgType());
            return m;
        } catch (MalformedMessageException e) {
            LOG.log(System.Logger.Level.WARNING, name + ": dropped a message: " + e.getMessage());
            return null;
        }
    }

    public void send(Message m) {
        List<byte[]> frames = codec.encode(m);
        int last = frames.size() - 1;
        for (int i = 0; i < last; i++) {
            socket.sendMore(frames.get(i));
        }
        socket.send(frames.get(last), 0);
        LOG.log(System.Logger.Level.DEBUG, () -> name + " -> " + m.msgType());
    }
}
