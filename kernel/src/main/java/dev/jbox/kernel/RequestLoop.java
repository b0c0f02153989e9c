package dev.jbox.kernel;

import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.MessageFactory;
import dev.jbox.kernel.wire.WireSocket;
import java.util.ArrayDeque;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Receives requests on one ROUTER socket (shell or control) and dispatches them in order, on the socket's own thread.
 *
 * <p>On shell, {@code stop_on_error}: when a cell fails, exactly the execute requests that reached the kernel before
 * its reply goes out are answered {@code aborted} without running; one that arrives after that reply runs. The
 * boundary is taken as the reply is sent: what the socket holds at that moment is moved into {@link #received}
 * and counted, and answered after the reply, in order (other request types among them are handled normally).
 */
final class RequestLoop implements Runnable {

    private static final System.Logger LOG = System.getLogger("jbox.kernel");

    private final WireSocket socket;
    private final Dispatcher dispatcher;
    private final MessageFactory factory;
    private final ExecuteHandler execute; // null on control
    private final RunningCell runningCell; // null on control
    /** Requests taken off the socket at a boundary, not answered yet; the loop reads them before the socket. */
    private final ArrayDeque<Message> received = new ArrayDeque<>();
    /** How many requests at the head of {@link #received} reached the kernel before a failed cell's reply. */
    private int beforeBoundary;
    private volatile boolean running = true;

    private RequestLoop(WireSocket socket, Dispatcher dispatcher, MessageFactory factory, ExecuteHandler execute,
            RunningCell runningCell) {
        this.socket = socket;
        this.dispatcher = dispatcher;
        this.factory = factory;
        this.execute = execute;
        this.runningCell = runningCell;
    }

    /** The shell loop: marks each cell in {@code runningCell} and applies {@code stop_on_error}. */
    static RequestLoop shell(WireSocket socket, Dispatcher dispatcher, MessageFactory factory, ExecuteHandler execute,
            RunningCell runningCell) {
        return new RequestLoop(socket, dispatcher, factory, execute, runningCell);
    }

    static RequestLoop control(WireSocket socket, Dispatcher dispatcher, MessageFactory factory) {
        return new RequestLoop(socket, dispatcher, factory, null, null);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        ZMQ.Socket zmq = socket.zmq();
        try {
            while (running) {
                if (received.isEmpty()) {
                    Message m = socket.receive(0);
                    if (m != null) {
                        handle(new Request(m, this::send, factory), false);
                    }
                } else {
                    boolean abort = beforeBoundary > 0;
                    if (abort) {
                        beforeBoundary--;
                    }
                    handle(new Request(received.poll(), this::send, factory), abort);
                }
            }
        } catch (ZMQException | IllegalStateException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> socket.name() + " loop ends: " + e);
        } finally {
            zmq.setLinger(1000);
            zmq.close();
        }
    }

    private void handle(Request r, boolean abortIfExecute) {
        if (execute == null || !"execute_request".equals(r.message().msgType())) {
            dispatcher.dispatch(r);
        } else if (abortIfExecute) {
            dispatcher.dispatchWith(r, execute::abort);
        } else {
            runningCell.begin();
            try {
                dispatcher.dispatch(r);
            } finally {
                runningCell.end(); // after the idle: an interrupt_reply waiting for this cell follows all of it
            }
        }
    }

    private void send(Message reply) {
        if (execute != null && "execute_reply".equals(reply.msgType()) && execute.takeAbortQueued()) {
            takeBoundary();
        }
        socket.send(reply);
    }

    /** Moves every request the socket holds now into {@link #received}: those are the ones to abort. */
    private void takeBoundary() {
        while ((socket.zmq().getEvents() & ZMQ.Poller.POLLIN) != 0) {
            Message m = socket.receive(ZMQ.DONTWAIT);
            if (m != null) {
                received.add(m);
            }
        }
        beforeBoundary = received.size();
    }
}
