package dev.jbox.kernel.wire;

import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/** The heartbeat: a REP socket that echoes every request, on its own thread. */
public final class Heartbeat implements Runnable {

    private final ZMQ.Socket socket;

    public Heartbeat(ZMQ.Socket socket) {
        this.socket = socket;
    }

    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                byte[] ping = socket.recv(0);
                if (ping == null) {
                    return;
                }
                socket.send(ping, 0);
            }
        } catch (ZMQException | IllegalStateException e) {
            // the context was closed: the kernel is shutting down
        } finally {
            socket.setLinger(0);
            socket.close();
        }
    }
}
