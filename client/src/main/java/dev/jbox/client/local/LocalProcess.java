package dev.jbox.client.local;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LogRead;
import dev.jbox.client.OutputListener;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Signal;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;
import dev.jbox.client.log.LogFollower;
import dev.jbox.client.log.ProcessLog;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One command run by a {@link LocalSandbox}: the OS process, a reader thread per output stream writing into
 * its {@link ProcessLog}, and the followers that deliver the logs to subscribers.
 *
 * <p>The command has ended when its main process has exited and both output streams reached their end, or
 * {@link #LINGER} after the exit if a background child still holds them open (its later output still goes
 * to the log, but subscribers have had their {@code onExit}). Such children are killed with the tree by
 * {@link #kill()} and when the sandbox closes. One limit comes from {@link Process}: if the main process exits
 * before a reader thread got hold of its stream (within a millisecond or so of starting, under heavy load), the
 * JDK closes that pipe at the exit, and a background child's later output on it is lost.
 */
final class LocalProcess implements CommandHandle {

    static final Duration LINGER = Duration.ofMillis(500);
    private static final Duration EXIT_HOOK_DELAY = Duration.ofMillis(20);
    /** {@link #stdout()} and {@link #stderr()} refuse logs larger than this; use {@link #readOutput}. */
    static final long MAX_TEXT_BYTES = 512L * 1024 * 1024;

    static final ScheduledThreadPoolExecutor TIMERS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "jbox-timers");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMERS.setRemoveOnCancelPolicy(true);
    }

    /** Reader threads are reused: starting a command should cost as little as a bare ProcessBuilder. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(null, r, "jbox-reader-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        }
    });

    private static final int READ_BUFFER = 64 * 1024;
    private static final File DEV_NULL = new File("/dev/null");

    private final String id;
    private final String name;
    private final String command;
    private final String cwd;
    private final Map<String, String> env;
    private final String tag;
    private final Duration timeout;
    private final boolean stdinRequested;
    private final Duration killGrace;
    private final ProcessLog out;
    private final ProcessLog err;
    private final Instant startedAt = Instant.now();
    private final long startNanos = System.nanoTime();

    private volatile Process process;
    private volatile long pid = -1;
    private volatile Integer leaderExit;
    private volatile Instant endedAt;
    private volatile long endNanos;
    private volatile CommandResult result;
    private volatile Signal lastSignal;
    private final AtomicReference<ProcessState> stopReason = new AtomicReference<>();
    private final AtomicInteger openStreams = new AtomicInteger(2);
    private final AtomicBoolean exitSeen = new AtomicBoolean();
    private final CompletableFuture<CommandResult> ended = new CompletableFuture<>();
    private final Set<LogFollower> followers = ConcurrentHashMap.newKeySet();
    private volatile StdinWriter stdin; // null when started without stdin
    private volatile ScheduledFuture<?> timer;
    private volatile String startError;
    private volatile ProcessTree.Tree tree;

    LocalProcess(String id, String name, String command, String cwd, Map<String, String> env, String tag,
                 Duration timeout, boolean stdin, Duration killGrace, ProcessLog out, ProcessLog err) {
        this.id = id;
        this.name = name;
        this.command = command;
        this.cwd = cwd;
        this.env = Map.copyOf(env);
        this.tag = tag;
        this.timeout = timeout;
        this.stdinRequested = stdin;
        this.killGrace = killGrace;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts the OS process; a failure to start ends this command as FAILED with exit code 127 and the reason in
     * stderr. {@code ownSession}: the argv starts with setsid; {@code cookie}: the tree's cookie in the environment.
     */
    void launch(List<String> argv, Map<String, String> environment, boolean ownSession, String cookie) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(new File(cwd));
        pb.environment().putAll(environment);
        pb.redirectInput(stdinRequested ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(DEV_NULL));
        Process p;
        try {
            p = pb.start();
        } catch (IOException | RuntimeException e) {
            failStart("cannot start '" + command + "': " + e.getMessage());
            return;
        }
        pid = p.pid();
        tree = new ProcessTree.Tree(p.toHandle(), ownSession, cookie);
        if (stdinRequested) stdin = new StdinWriter(id, p.getOutputStream(), READERS);
        process = p;
        startReader(p.getInputStream(), out);
        startReader(p.getErrorStream(), err);
        if (timeout != null) {
            timer = TIMERS.schedule(() -> LogFollower.DEFAULT_EXECUTOR.execute(() -> stop(ProcessState.TIMED_OUT)),
                    nanos(timeout), TimeUnit.NANOSECONDS);
        }
        // Most commands are seen to end by their reader threads (streams at EOF, then the exit) or by waitFor().
        // The JDK's exit hook costs a thread per process, so it is only set up for those still running a little later:
        // it notices the exit of a command whose output a background child holds open.
        TIMERS.schedule(() -> {
            if (!exitSeen.get()) p.onExit().thenRun(this::leaderExited);
        }, EXIT_HOOK_DELAY.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void failStart(String message) {
        startError = message;
        byte[] text = ("jbox: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        err.append(text, 0, text.length);
        out.finish();
        err.finish();
        openStreams.set(0);
        leaderExit = 127;
        complete();
    }

    private void startReader(InputStream in, ProcessLog log) {
        READERS.execute(() -> pump(in, log));
    }

    private void pump(InputStream in, ProcessLog log) {
        byte[] buf = new byte[READ_BUFFER];
        try (in) {
            // Holding the stream's lock keeps the JDK from draining and closing the pipe when the main process
            // exits (it does so under this lock): background children it left can go on writing into the log
            // instead of dying of SIGPIPE.
            synchronized (in) {
                int n;
                while ((n = in.read(buf)) != -1) log.append(buf, 0, n);
            }
        } catch (IOException e) {
            // The JDK closed the pipe after the process ended; what was read is in the log.
        } finally {
            log.finish();
            if (openStreams.decrementAndGet() == 0) {
                if (leaderExit != null) {
                    complete();
                } else if (awaitExitBriefly()) {
                    leaderExited(); // usually the streams end with the process: no need to wait for the JDK's exit hook
                }
            }
        }
    }

    private boolean awaitExitBriefly() {
        try {
            return process.waitFor(20, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void leaderExited() {
        if (!exitSeen.compareAndSet(false, true)) return;
        endNanos = System.nanoTime();
        endedAt = Instant.now();
        leaderExit = process.exitValue();
        if (openStreams.get() == 0) {
            complete();
        } else {
            TIMERS.schedule(this::complete, LINGER.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void complete() {
        CommandResult r;
        synchronized (this) {
            if (result != null) return;
            if (endedAt == null) {
                endNanos = System.nanoTime();
                endedAt = Instant.now();
            }
            int code = leaderExit;
            ProcessState reason = stopReason.get();
            Signal sig = lastSignal;
            ProcessState state;
            String error = null;
            if (startError != null) {
                state = ProcessState.FAILED;
                error = startError;
            } else if (reason == ProcessState.TIMED_OUT) {
                state = reason;
                error = "timed out after " + format(timeout);
            } else if (reason == ProcessState.KILLED || (sig != null && code == 128 + sig.number())) {
                state = ProcessState.KILLED;
                error = "killed";
            } else {
                state = code == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
            }
            r = new CommandResult(id, state, code, "", "", out.end(), err.end(), startedAt,
                    Duration.ofNanos(endNanos - startNanos), error);
            result = r;
        }
        ScheduledFuture<?> t = timer;
        if (t != null) t.cancel(false);
        ended.complete(r);
        for (LogFollower f : followers) f.wake();
    }

    /** Kills the tree with {@code reason} as the final state; returns false if the command had already ended. */
    boolean stop(ProcessState reason) {
        if (process == null) return false; // a failed start is ended already
        if (result != null) {
            // Ended, but background children may still hold its output open: they belong to the tree too.
            if (!ProcessTree.withLeftovers(List.of(tree)).isEmpty()) ProcessTree.terminate(List.of(tree), killGrace);
            return false;
        }
        stopReason.compareAndSet(null, reason);
        ProcessTree.terminate(List.of(tree), killGrace);
        try {
            ended.get(LINGER.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the end is reported by the exit watcher; nothing more to do here
        }
        return true;
    }

    /** For closing the sandbox: marks the command as killed before its tree is terminated in bulk. */
    void markKilled() {
        if (result == null) stopReason.compareAndSet(null, ProcessState.KILLED);
    }

    /** The process tree, or null if the process did not start. */
    ProcessTree.Tree tree() {
        return tree;
    }

    boolean isRunning() {
        return result == null;
    }


    CompletableFuture<CommandResult> ended() {
        return ended;
    }

    /** Waits (until {@code deadlineNanos} of {@link System#nanoTime()}) for subscribers to have received everything. */
    void awaitFollowers(long deadlineNanos) {
        while (!followers.isEmpty() && System.nanoTime() < deadlineNanos) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void closeLogs(boolean delete) {
        for (LogFollower f : followers) f.close();
        out.close(delete);
        err.close(delete);
    }

    String name() {
        return name;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public ProcessInfo info() {
        CommandResult r = result;
        return new ProcessInfo(id, name, pid, command, cwd, env, state(), r == null ? null : r.exitCode(), startedAt,
                r == null ? null : endedAt, out.end(), err.end(), tag);
    }

    @Override
    public ProcessState state() {
        CommandResult r = result;
        if (r != null) return r.state();
        return process == null ? ProcessState.QUEUED : ProcessState.RUNNING;
    }

    @Override
    public Integer exitCode() {
        CommandResult r = result;
        return r == null ? null : r.exitCode();
    }

    @Override
    public CommandResult waitFor() throws InterruptedException {
        Process p = process;
        if (p != null && result == null) {
            p.waitFor(); // the caller sees the exit first hand instead of through the reader threads
            leaderExited();
        }
        try {
            return ended.get();
        } catch (ExecutionException e) {
            throw new SandboxException("waiting for " + id + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public CommandResult waitFor(Duration timeout) throws InterruptedException {
        if (timeout == null || timeout.isNegative()) throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
        long deadline = System.nanoTime() + Math.min(nanos(timeout), Long.MAX_VALUE / 4);
        Process p = process;
        if (p != null && result == null && p.waitFor(nanos(timeout), TimeUnit.NANOSECONDS)) leaderExited();
        try {
            return ended.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new CommandResult(id, state(), null, "", "", out.end(), err.end(), startedAt,
                    Duration.ofNanos(System.nanoTime() - startNanos), null);
        } catch (ExecutionException e) {
            throw new SandboxException("waiting for " + id + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Same as {@link #waitFor()} but with the captured output in the result (foreground runs). */
    CommandResult waitForCaptured() throws InterruptedException {
        CommandResult r = waitFor();
        return new CommandResult(r.id(), r.state(), r.exitCode(), stdout(), stderr(), r.stdoutBytes(), r.stderrBytes(),
                r.startedAt(), r.duration(), r.error());
    }

    @Override
    public boolean kill() {
        return stop(ProcessState.KILLED);
    }

    @Override
    public void signal(Signal signal) {
        if (signal == null) throw new IllegalArgumentException("signal must not be null");
        if (result != null || process == null) throw new SandboxException("process " + id + " has already ended");
        if (signal == Signal.TERM || signal == Signal.KILL || signal == Signal.INT || signal == Signal.HUP || signal == Signal.QUIT) {
            lastSignal = signal;
        }
        ProcessTree.signal(signal, List.of(tree), ProcessTree.members(List.of(tree), Set.of()));
    }

    /** Queues {@code data} for the process's stdin and returns at once (see {@link StdinWriter}). */
    @Override
    public void sendStdin(byte[] data) {
        if (data == null) throw new IllegalArgumentException("data must not be null");
        if (!stdinRequested) {
            throw new SandboxException("process " + id + " was started without stdin; start it with RunOptions.stdin(true) (magics: --stdin)");
        }
        StdinWriter w = stdin;
        if (result != null || w == null) throw new SandboxException("process " + id + " has already ended");
        w.send(data);
    }

    @Override
    public void closeStdin() {
        StdinWriter w = stdin;
        if (w != null) w.close();
    }

    @Override
    public Subscription subscribe(long stdoutOffset, long stderrOffset, OutputListener listener) {
        if (listener == null) throw new IllegalArgumentException("listener must not be null");
        LogFollower[] self = new LogFollower[1];
        LogFollower f = new LogFollower(out, err, stdoutOffset, stderrOffset, listener, () -> result,
                LogFollower.DEFAULT_EXECUTOR, () -> followers.remove(self[0]));
        self[0] = f;
        followers.add(f);
        return f.start();
    }

    @Override
    public String stdout() {
        return text(out);
    }

    @Override
    public String stderr() {
        return text(err);
    }

    @Override
    public LogRead readOutput(StreamKind stream, long offset, int maxBytes) {
        if (stream == null) throw new IllegalArgumentException("stream must not be null");
        return (stream == StreamKind.STDOUT ? out : err).read(offset, maxBytes);
    }

    private String text(ProcessLog log) {
        long size = log.end() - log.start();
        if (size > MAX_TEXT_BYTES) {
            throw new SandboxException("the " + log.stream().name().toLowerCase() + " log of " + id + " holds " + size
                    + " bytes, too many for one string; read it in parts with readOutput");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream((int) size);
        long offset = log.start();
        long end = log.end();
        while (offset < end) {
            LogRead r = log.read(offset, (int) Math.min(1 << 20, end - offset));
            if (r.bytes().length == 0 && r.skipped() == 0) break;
            buf.write(r.bytes(), 0, r.bytes().length);
            offset = r.offset() + r.bytes().length;
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Nanoseconds, saturated: a timeout of years means "practically never", not an overflow. */
    static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static String format(Duration d) {
        return d == null ? "?" : d.toString().substring(2).toLowerCase();
    }

    @Override
    public String toString() {
        return "LocalProcess[" + id + ", pid " + pid + ", " + state() + ", " + command + "]";
    }
}
