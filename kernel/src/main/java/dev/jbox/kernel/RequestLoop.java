package dev.jbox.kernel;

import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.MessageFactory;
import dev.jbox.kernel.wire.WireSocket;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Receives requests on one ROUTER socket (shell or control) and dispatches them, on the socket's own thread.
 * After a failed cell with {@code stop_on_error}, the execute requests already queued are answered
 * {@code aborted} without running.
 */
final class RequestLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger("jbox.kernel");

    private final WireSocket socket;
    private final Dispatcher dispatcher;
    private final MessageFactory factory;
    private final ExecuteHandler execute; // null on control
    private volatile boolean running = true;

    RequestLoop(WireSocket socket, Dispatcher dispatcher, MessageFactory factory, ExecuteHandler execute) {
        this.socket = socket;
        this.dispatcher = dispatcher;
        this.factory = factory;
        this.execute = execute;
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        ZMQ.Socket zmq = socket.zmq();
        try {
            while (running) {
                Message m = socket.receive(0);
                if (m == null) {
                    continue;
                }
                dispatcher.dispatch(new Request(m, socket::send, factory));
                if (execute != null && execute.takeAbortQueued()) {
                    abortQueued();
                }
            }
        } catch (ZMQException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> socket.name() + " loop ends: " + e);
        } finally {
            zmq.setLinger(1000);
            zmq.close();
        }
    }

    private void abortQueued() {
        while ((socket.zmq().getEvents() & ZMQ.Poller.POLLIN) != 0) {
            Message m = socket.receive(ZMQ.DONTWAIT);
            if (m == null) {
                continue;
            }
            Request r = new Request(m, socket::send, factory);
            if ("execute_request".equals(m.msgType())) {
                dispatcher.dispatchWith(r, execute::abort);
            } else {
                dispatcher.dispatch(r);
            }
        }
    }
}
