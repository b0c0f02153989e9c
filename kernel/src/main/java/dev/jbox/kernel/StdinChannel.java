package dev.jbox.kernel;

import dev.jbox.kernel.wire.Header;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.MessageFactory;
import dev.jbox.kernel.wire.WireSocket;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Owns the stdin ROUTER socket. Cells ask for input through {@link #ask}; the channel's thread sends the
 * {@code input_request} and completes the asker's future when the matching {@code input_reply} arrives.
 */
final class StdinChannel implements Runnable {

    private static final System.Logger LOG = System.getLogger("jbox.kernel");
    private static final int POLL_MS = 20;

    private record Ask(List<byte[]> identities, Header parent, String prompt, boolean password, CompletableFuture<String> answer) {
    }

    private final WireSocket socket;
    private final MessageFactory factory;
    private final ConcurrentLinkedQueue<Ask> asks = new ConcurrentLinkedQueue<>();
    private final Map<String, Ask> pending = new LinkedHashMap<>(); // by input_request msg_id, oldest first; this thread only
    private volatile boolean running = true;

    StdinChannel(WireSocket socket, MessageFactory factory) {
        this.socket = socket;
        this.factory = factory;
    }

    /** Sends an input_request to the frontend behind {@code identities} and waits (interruptibly) for the line. */
    String ask(List<byte[]> identities, Header parent, String prompt, boolean password) throws InterruptedException {
        CompletableFuture<String> answer = new CompletableFuture<>();
        asks.add(new Ask(identities, parent, prompt, password, answer));
        try {
            return answer.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("input failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            answer.cancel(false);
            throw e;
        }
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        ZMQ.Socket zmq = socket.zmq();
        // A short receive timeout lets this one thread both wait for replies and pick up new asks.
        zmq.setReceiveTimeOut(POLL_MS);
        try {
            while (running) {
                for (Ask a; (a = asks.poll()) != null; ) {
                    if (a.answer().isDone()) {
                        continue;
                    }
                    Message req = factory.create("input_request", a.parent(),
                            Map.of("prompt", a.prompt(), "password", a.password()), a.identities());
                    pending.put(req.header().msgId(), a);
                    socket.send(req);
                }
                pending.values().removeIf(a -> a.answer().isDone());
                Message m = socket.receive(0);
                if (m == null) {
                    continue;
                }
                if (!"input_reply".equals(m.msgType())) {
                    LOG.log(System.Logger.Level.WARNING, "stdin: dropped unexpected " + m.msgType());
                    continue;
                }
                Ask a = m.parentHeader() == null ? null : pending.remove(m.parentHeader().msgId());
                if (a == null && !pending.isEmpty()) {
                    // jupyter_client sends input_reply without a parent header: it answers the oldest question
                    Iterator<Ask> oldest = pending.values().iterator();
                    a = oldest.next();
                    oldest.remove();
                }
                if (a == null) {
                    LOG.log(System.Logger.Level.WARNING, "stdin: dropped an input_reply that answers no pending request");
                    continue;
                }
                a.answer().complete(m.content().path("value").asText(""));
            }
        } catch (ZMQException | IllegalStateException e) {
            // context terminated: shutting down
        } finally {
            for (Ask a : pending.values()) {
                a.answer().completeExceptionally(new IllegalStateException("the kernel is shutting down"));
            }
            zmq.setLinger(0);
            zmq.close();
        }
    }
}
