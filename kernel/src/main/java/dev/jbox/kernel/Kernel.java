package dev.jbox.kernel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.wire.ConnectionInfo;
import dev.jbox.kernel.wire.FrameCodec;
import dev.jbox.kernel.wire.Heartbeat;
import dev.jbox.kernel.wire.MessageFactory;
import dev.jbox.kernel.wire.Signer;
import dev.jbox.kernel.wire.WireSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A running kernel: binds the five sockets of a connection file and starts one thread per socket
 * (shell, control, stdin, heartbeat, IOPub publisher). Handlers are registered in plain maps.
 *
 * <pre>{@code
 * Kernel k = Kernel.start(ConnectionInfo.read(file), () -> EvaluatorFactory.create(session), History.open(null));
 * k.awaitShutdown();
 * }</pre>
 */
final class Kernel {

    private static final System.Logger LOG = System.getLogger("jbox.kernel");
    /** How long an interrupt_reply waits for the interrupted cell's reply; the control channel never waits longer. */
    static final Duration INTERRUPT_WAIT = Duration.ofSeconds(2);

    private final ZMQ.Context context = ZMQ.context(1);
    private final Evaluator evaluator;
    private final Publisher publisher;
    private final StdinChannel stdin;
    private final RequestLoop shell;
    private final RequestLoop control;
    private final RunningCell runningCell = new RunningCell();
    private final ScheduledThreadPoolExecutor timer;
    private final Thread[] threads;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Object done = new Object();
    private boolean finished;

    private Kernel(ConnectionInfo info, DeferredEvaluator evaluator, History history) {
        // Bind first: a client that connects before the sockets exist retries only every 100 ms, and the JSON and
        // HMAC set-up below (about 50 ms) can overlap its connecting.
        ZMQ.Socket shellZmq = bind(SocketType.ROUTER, info, info.shellPort());
        ZMQ.Socket controlZmq = bind(SocketType.ROUTER, info, info.controlPort());
        ZMQ.Socket stdinZmq = bind(SocketType.ROUTER, info, info.stdinPort());
        ZMQ.Socket iopub = bind(SocketType.PUB, info, info.iopubPort());
        iopub.setSndHWM(0); // no message is dropped on a slow subscriber; cells coalesce, so the count stays small
        ZMQ.Socket hb = bind(SocketType.REP, info, info.hbPort());

        ObjectMapper json = new ObjectMapper();
        FrameCodec codec = new FrameCodec(json, new Signer(info.key()));
        MessageFactory factory = new MessageFactory(json);
        WireSocket shellSocket = new WireSocket("shell", shellZmq, codec);
        WireSocket controlSocket = new WireSocket("control", controlZmq, codec);
        WireSocket stdinSocket = new WireSocket("stdin", stdinZmq, codec);

        // Kernel threads exist before any cell runs, so none of them inherits a cell's output binding.
        timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "jbox-output-timer"));
        timer.setRemoveOnCancelPolicy(true);
        timer.prestartAllCoreThreads();
        publisher = new Publisher(new WireSocket("iopub", iopub, codec), factory);
        stdin = new StdinChannel(stdinSocket, factory);

        this.evaluator = evaluator;
        ExecuteHandler execute = new ExecuteHandler(evaluator, new CellOutputs(publisher, stdin, timer), history);
        QueryHandlers queries = new QueryHandlers(evaluator, history, publisher);

        Dispatcher shellRoutes = new Dispatcher(publisher)
                .on("execute_request", execute, "code")
                .on("kernel_info_request", queries::kernelInfo)
                .on("complete_request", queries::complete, "code")
                .on("inspect_request", queries::inspect, "code")
                .on("is_complete_request", queries::isComplete, "code")
                .on("history_request", queries::history, "hist_access_type")
                .on("comm_info_request", queries::commInfo)
                .on("comm_open", queries::commOpen, "comm_id")
                .on("comm_msg", queries::ignore)
                .on("comm_close", queries::ignore);
        Dispatcher controlRoutes = new Dispatcher(publisher)
                .on("kernel_info_request", queries::kernelInfo)
                .on("interrupt_request", this::interrupt)
                .on("shutdown_request", this::shutdown);

        shell = RequestLoop.shell(shellSocket, shellRoutes, factory, execute, runningCell);
        control = RequestLoop.control(controlSocket, controlRoutes, factory);
        threads = new Thread[] {
            daemon(new Heartbeat(hb), "jbox-heartbeat"),
            daemon(stdin, "jbox-stdin"),
            daemon(control, "jbox-control"),
            daemon(shell, "jbox-shell"),
        };
        publisher.start();
        publisher.status("starting", null);
        for (Thread t : threads) {
            t.start();
        }
        LOG.log(System.Logger.Level.INFO, "kernel started on " + info.ip() + " (shell " + info.shellPort() + "), Java "
                + System.getProperty("java.version"));
    }

    /** A kernel whose history is the user's (see {@link History#defaultFile}). */
    static Kernel start(ConnectionInfo info, DeferredEvaluator evaluator) {
        return new Kernel(info, evaluator, History.open(History.defaultFile(System.getenv())));
    }

    static Kernel start(ConnectionInfo info, Supplier<Evaluator> evaluators, History history) {
        return new Kernel(info, new DeferredEvaluator(evaluators), history);
    }

    private ZMQ.Socket bind(SocketType type, ConnectionInfo info, int port) {
        ZMQ.Socket s = context.socket(type);
        s.setLinger(1000);
        if (type == SocketType.ROUTER) {
            s.setRouterHandover(true);
        }
        s.bind(info.endpoint(port));
        return s;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Stops the running cell, and answers once that cell's error reply and idle are out (at most
     * {@link #INTERRUPT_WAIT}): a frontend that sends its next cell on the interrupt_reply then sends it after the
     * failed cell's boundary, so it runs instead of being aborted by {@code stop_on_error}.
     */
    private void interrupt(Request r) {
        LOG.log(System.Logger.Level.INFO, "interrupt requested");
        evaluator.interrupt();
        try {
            if (!runningCell.awaitEnd(INTERRUPT_WAIT)) {
                LOG.log(System.Logger.Level.WARNING, "the interrupted cell still runs after " + INTERRUPT_WAIT.toMillis()
                        + " ms; interrupt_reply sent anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        r.reply("interrupt_reply", Map.of("status", "ok"));
    }

    private void shutdown(Request r) {
        boolean restart = r.content().path("restart").asBoolean(false);
        r.reply("shutdown_reply", Map.of("status", "ok", "restart", restart));
        LOG.log(System.Logger.Level.INFO, "shutdown requested" + (restart ? " (restart)" : ""));
        // Stop after this handler returned, so its idle status is published first.
        Thread t = daemon(this::stop, "jbox-shutdown");
        t.start();
    }

    /** Stops the evaluator, sends what is queued, closes the sockets; idempotent. */
    void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Thread watchdog = daemon(() -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                return;
            }
            LOG.log(System.Logger.Level.WARNING, "shutdown took more than 3 s; halting");
            Runtime.getRuntime().halt(0);
        }, "jbox-shutdown-watchdog");
        watchdog.start();
        try {
            evaluator.interrupt();
            evaluator.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the evaluator failed: " + e);
        }
        try {
            Thread.sleep(20); // let the control loop publish the idle of the shutdown request
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shell.stop();
        control.stop();
        stdin.stop();
        timer.shutdown();
        publisher.stop(1000);
        context.term(); // wakes the loops (ETERM); each closes its socket, pending replies go out (linger)
        synchronized (done) {
            finished = true;
            done.notifyAll();
        }
    }

    /**
     * The frontend that started this kernel died (see {@link FrontendWatch}): the kernel ends as a crash would, at
     * once. Nothing more is sent (nobody listens) and no socket is waited on. The session's local processes follow
     * {@code JBOX_ON_CRASH} (kept for adoption by default; see the local sandbox's supervisor), which is why this
     * is a halt and not {@link #stop()}: a clean stop, and the shutdown hooks, kill them.
     */
    static void exitFrontendGone(long pid) {
        LOG.log(System.Logger.Level.WARNING, "the frontend (pid " + pid + ") is gone; the kernel exits, its processes"
                + " are left as after a crash (JBOX_ON_CRASH)");
        Runtime.getRuntime().halt(1);
    }

    void awaitShutdown() throws InterruptedException {
        synchronized (done) {
            while (!finished) {
                done.wait();
            }
        }
    }
}
