package dev.jbox.kernel;

import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.WireCodec;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Owns the IOPub socket: every thread hands messages to its queue; one thread sends them, in order. */
final class Publisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Publisher.class.getName());

    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object drained = new Object();
    private volatile boolean running = true;
    private long sent;
    private long queued;

    Publisher(ZContext context, String address, WireCodec codec) {
        ZMQ.Socket socket = context.createSocket(SocketType.PUB);
        socket.setLinger(1000);
        socket.setSndHWM(0); // never drop output because a frontend is slow
        socket.bind(address);
        thread = new Thread(() -> run(socket, codec), "jbox-iopub");
        thread.setDaemon(true);
        thread.start();
    }

    void publish(Message message) {
        synchronized (drained) {
            queued++;
        }
        queue.add(message);
    }

    /** Waits until everything published so far has been handed to ZMQ (used before exit). */
    void awaitDrained(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (drained) {
            while (sent < queued && System.currentTimeMillis() < deadline) drained.wait(50);
        }
    }

    private void run(ZMQ.Socket socket, WireCodec codec) {
        while (running || !queue.isEmpty()) {
            Message m;
            try {
                m = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            if (m == null) continue;
            try {
                var frames = codec.encode(m);
                for (int i = 0; i < frames.size(); i++) {
                    socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not publish " + m.type(), e);
            }
            synchronized (drained) {
                sent++;
                drained.notifyAll();
            }
        }
        socket.close();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
