package dev.jbox.kernel;

import dev.jbox.kernel.wire.Header;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.MessageFactory;
import dev.jbox.kernel.wire.WireSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The only user of the IOPub socket: any thread queues messages, one thread sends them in order.
 *
 * <pre>{@code
 * publisher.publish("stream", parent, Map.of("name", "stdout", "text", "hi\n"));
 * }</pre>
 */
final class Publisher implements Runnable {

    private static final System.Logger LOG = System.getLogger("jbox.kernel");

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Object stopMarker = new Object();
    private final WireSocket socket;
    private final MessageFactory factory;
    private final Thread thread;

    Publisher(WireSocket socket, MessageFactory factory) {
        this.socket = socket;
        this.factory = factory;
        this.thread = new Thread(this, "jbox-iopub");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    void publish(String msgType, Header parent, Object content) {
        queue.add(factory.create(msgType, parent, content, List.of()));
    }

    void status(String state, Header parent) {
        publish("status", parent, Map.of("execution_state", state));
    }

    @Override
    public void run() {
        try {
            while (true) {
                Object item = queue.take();
                if (item == stopMarker) {
                    break;
                }
                socket.send((Message) item);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "IOPub publisher stopped: " + e);
        } finally {
            socket.zmq().setLinger(1000);
            socket.zmq().close();
        }
    }

    /** Sends what is queued, then closes the socket (waits at most {@code millis}). */
    void stop(long millis) {
        queue.add(stopMarker);
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
