package dev.jbox.kernel;

import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.wire.BadMessageException;
import dev.jbox.kernel.wire.ConnectionInfo;
import dev.jbox.kernel.wire.Contents;
import dev.jbox.kernel.wire.Message;
import dev.jbox.kernel.wire.Signer;
import dev.jbox.kernel.wire.WireCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZFrame;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * The Jupyter kernel: binds the five sockets of a connection file and serves them, one thread per socket
 * (shell on the caller's thread, control, heartbeat, IOPub publisher, stdin).
 *
 * <pre>{@code
 * new Kernel(ConnectionInfo.read(path), new JShellEvaluator(List.of())).run();   // returns at shutdown
 * }</pre>
 */
public final class Kernel implements KernelChannels {

    private static final Logger LOG = Logger.getLogger(Kernel.class.getName());

    private final ConnectionInfo info;
    private final Evaluator evaluator;
    private final WireCodec codec;
    private final ZContext context = new ZContext(1);
    private final MessageFactory messages = new MessageFactory();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jbox-output-flush");
        t.setDaemon(true);
        return t;
    });
    private final Publisher publisher;
    private final StdinChannel stdin;
    private final RequestHandlers handlers;
    private volatile boolean running = true;

    public Kernel(ConnectionInfo info, Evaluator evaluator) {
        this.info = info;
        this.evaluator = evaluator;
        this.codec = new WireCodec(new Signer(info.key()));
        this.publisher = new Publisher(context, info.address(info.iopubPort()), codec);
        this.stdin = new StdinChannel(context, info.address(info.stdinPort()), codec, messages);
        this.handlers = new RequestHandlers(evaluator, this, timer, this::shutdown);
    }

    /** Serves until a {@code shutdown_request}; then closes the evaluator (killing its processes). */
    public void run() {
        ZMQ.Socket shell = bind(SocketType.ROUTER, info.shellPort());
        startThread("jbox-control", () -> serve(bind(SocketType.ROUTER, info.controlPort()), handlers.control(), false));
        startThread("jbox-heartbeat", this::heartbeat);
        publish(null, "status", new Contents.Status("starting"));
        LOG.info(() -> "jbox kernel " + RequestHandlers.VERSION + " on Java " + System.getProperty("java.version") + ", shell " + info.address(info.shellPort()));
        serve(shell, handlers.shell(), true);
    }

    @Override
    public void publish(Message parent, String msgType, Object content) {
        publisher.publish(messages.broadcast(parent, msgType, content));
    }

    @Override
    public String readInput(Message parent, String prompt, boolean password) throws InterruptedException {
        return stdin.read(parent, prompt, password);
    }

    private ZMQ.Socket bind(SocketType type, int port) {
        ZMQ.Socket s = context.createSocket(type);
        s.setLinger(1000);
        s.bind(info.address(port));
        return s;
    }

    private void serve(ZMQ.Socket socket, Map<String, Handler> table, boolean isShell) {
        Request.Replier replier = (request, type, content) -> send(socket, messages.create(request, type, content));
        socket.setReceiveTimeOut(500);
        while (running) {
            Message m = receive(socket);
            if (m == null) continue;
            handle(new Request(m, replier), table);
            if (isShell && handlers.takeStopRequest()) abortQueuedExecutes(socket, replier, table);
        }
    }

    /** Answers a request with busy, the handler's reply and output, then idle. */
    private void handle(Request r, Map<String, Handler> table) {
        Handler h = table.get(r.type());
        if (h == null) {
            LOG.warning(() -> "dropped a message of unknown type '" + r.type() + "'");
            return;
        }
        publish(r.message(), "status", new Contents.Status("busy"));
        try {
            h.handle(r);
        } catch (InvalidRequestException e) {
            LOG.warning(() -> "dropped " + r.type() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "handler for " + r.type() + " failed", e);
        } finally {
            publish(r.message(), "status", new Contents.Status("idle"));
        }
    }

    /** After a failed cell with stop_on_error: executes already waiting are answered "aborted" without running. */
    private void abortQueuedExecutes(ZMQ.Socket socket, Request.Replier replier, Map<String, Handler> table) {
        while (true) {
            ZMsg raw = ZMsg.recvMsg(socket, ZMQ.DONTWAIT);
            if (raw == null) return;
            Message m = decode(raw);
            if (m == null) continue;
            Request r = new Request(m, replier);
            if (m.type().equals("execute_request")) {
                publish(m, "status", new Contents.Status("busy"));
                handlers.abort(r);
                publish(m, "status", new Contents.Status("idle"));
            } else {
                handle(r, table);
            }
        }
    }

    private Message receive(ZMQ.Socket socket) {
        ZMsg raw;
        try {
            raw = ZMsg.recvMsg(socket);
        } catch (org.zeromq.ZMQException e) {
            if (running) LOG.warning("receive failed: " + e.getMessage());
            return null;
        }
        return raw == null ? null : decode(raw);
    }

    private Message decode(ZMsg raw) {
        List<byte[]> frames = raw.stream().map(ZFrame::getData).toList();
        try {
            return codec.decode(frames);
        } catch (BadMessageException e) {
            LOG.warning(() -> "dropped a bad message (" + frames.size() + " frames): " + e.getMessage());
            return null;
        }
    }

    private void send(ZMQ.Socket socket, Message m) {
        List<byte[]> frames = codec.encode(m);
        for (int i = 0; i < frames.size(); i++) socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
    }

    private void heartbeat() {
        ZMQ.Socket hb = bind(SocketType.REP, info.hbPort());
        hb.setReceiveTimeOut(500);
        while (running) {
            byte[] ping = hb.recv();
            if (ping != null) hb.send(ping);
        }
    }

    /**
     * Called after the shutdown reply was sent: stops serving, kills the sandbox's processes, lets IOPub send
     * what is queued (the request's idle included), exits.
     */
    private void shutdown() {
        running = false;
        startThread("jbox-shutdown", this::exit);
    }

    private void exit() {
        try {
            evaluator.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing the evaluator failed", e);
        }
        try {
            Thread.sleep(20); // the control loop publishes the request's idle status now
            publisher.awaitDrained(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("shut down");
        Runtime.getRuntime().halt(0);
    }

    private static void startThread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
