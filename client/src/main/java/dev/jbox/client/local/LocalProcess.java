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
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One command of a {@link LocalSandbox}: its record and log files in a state directory, its tree, and the
 * followers that deliver the logs to subscribers. The command writes its logs itself; {@link LogPoller} notices
 * them grow. It has ended when its main process has exited: the {@link Supervisor} that forked it says so (for a
 * command adopted from a dead sandbox, the exit file that the other supervisor writes does). Background children
 * it left may still write into its logs; they are killed with the tree by {@link #kill()} and when the sandbox
 * closes.
 */
final class LocalProcess implements CommandHandle {

    /** {@link #stdout()} and {@link #stderr()} refuse logs larger than this; use {@link #readOutput}. */
    static final long MAX_TEXT_BYTES = 512L * 1024 * 1024;
    /** How often (in poller ticks) an adopted command whose supervisor may be gone is checked for being alive. */
    private static final int LIVENESS_TICKS = 100;

    static final ScheduledThreadPoolExecutor TIMERS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "jbox-timers");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMERS.setRemoveOnCancelPolicy(true);
    }

    /** Writers of stdin FIFOs (a write blocks while the process does not read). */
    private static final ExecutorService STDIN_WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(null, r, "jbox-stdin", 256 * 1024);
        t.setDaemon(true);
        return t;
    });

    private final LocalCommands commands;
    private final String id;
    private final StateDir home;
    private final ProcessRecord record;
    private final String adoptedFrom;
    private final ProcessLog out;
    private final ProcessLog err;
    private final Duration killGrace;
    private final Instant startedAt;
    private final long startNanos;

    private volatile long pid;
    private volatile ProcessTree.Tree tree;
    private volatile Instant endedAt;
    private volatile long endNanos;
    private volatile CommandResult result;
    private volatile Signal lastSignal;
    private volatile String startError;
    private volatile boolean orphaned; // nobody will report the end: watch the exit file and the tree instead
    private final AtomicReference<ProcessState> stopReason = new AtomicReference<>();
    private final CompletableFuture<Void> launched = new CompletableFuture<>();
    private final CompletableFuture<CommandResult> ended = new CompletableFuture<>();
    private final Set<LogFollower> followers = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean reclaiming = new AtomicBoolean();
    private volatile StdinWriter stdin;
    private volatile ScheduledFuture<?> timer;
    private int ticks; // poller thread only
    private int missing; // poller thread only: ticks in a row that found the main process gone without an exit file

    private LocalProcess(LocalCommands commands, String id, StateDir home, ProcessRecord record, String adoptedFrom,
                         Duration killGrace) {
        this.commands = commands;
        this.id = id;
        this.home = home;
        this.record = record;
        this.adoptedFrom = adoptedFrom;
        this.killGrace = killGrace;
        this.pid = record.pid();
        this.startedAt = record.started();
        this.startNanos = System.nanoTime() - Math.max(0, Duration.between(startedAt, Instant.now()).toNanos());
        this.out = ProcessLog.open(StreamKind.STDOUT, home.file(record, ".out"), record.logCap());
        this.err = ProcessLog.open(StreamKind.STDERR, home.file(record, ".err"), record.logCap());
    }

    /** A command about to be started by this sandbox's supervisor (its record is written already). */
    static LocalProcess starting(LocalCommands commands, StateDir home, ProcessRecord record) {
        return new LocalProcess(commands, record.id(), home, record, null, Duration.ofMillis(record.killGraceMs()));
    }

    /**
     * A command of a dead sandbox, taken over: running (its supervisor, if alive, writes the exit file) or ended
     * while nobody watched (the exit file is there). {@code id} is its id here: the one it had, unless taken.
     */
    static LocalProcess adopted(LocalCommands commands, StateDir home, ProcessRecord record, Duration killGrace, String id) {
        LocalProcess p = new LocalProcess(commands, id, home, record, home.sessionName(), killGrace);
        p.orphaned = true;
        p.launched.complete(null);
        Orphans.Look look = Orphans.look(home, record);
        StateDir.ExitStatus end = look.end();
        if (end != null) {
            p.complete(end.code(), end.signal(), end.reason(), end.at());
            return p;
        }
        if (!look.alive()) {
            // Started, but its main process is gone and nobody recorded how it ended.
            p.complete(null, 0, "lost", Instant.now());
            return p;
        }
        p.tree = ProcessTree.Tree.of(record.pid(), true, record.cookie());
        p.scheduleTimeout();
        LogPoller.add(p);
        return p;
    }

    // ---- the supervisor's reports (its reader thread) -----------------------------------------------------------

    void launched(long newPid) {
        pid = newPid;
        tree = ProcessTree.Tree.of(newPid, true, record.cookie());
        commands.recordChanged(this);
        scheduleTimeout();
        LogPoller.add(this);
        launched.complete(null);
    }

    void launchFailed(String message) {
        startError = "cannot start '" + record.command() + "': " + message;
        pid = -1; // the program never ran (a failed exec is reported after the fork)
        tree = null;
        try (FileChannel f = FileChannel.open(err.file(), StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            f.write(java.nio.ByteBuffer.wrap(("jbox: " + startError + "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            // the error is in the result either way
        }
        complete(127, 0, "exited", Instant.now());
        launched.complete(null);
    }

    void exited(int code, int signal, String reason) {
        complete(code, signal, reason, Instant.now());
    }

    /** The supervisor is gone: from now on the end is seen by watching the tree. */
    void supervisorLost() {
        orphaned = true;
        if (!launched.isDone()) launchFailed("the local sandbox's supervisor ended");
    }

    /**
     * Waits until the supervisor reported the start (or its failure): a round trip, not interruptible (an interrupt
     * stays set for the caller's next wait, which then stops the command with its tree).
     */
    void awaitLaunch() {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            for (;;) {
                try {
                    launched.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException | TimeoutException e) {
                    throw new SandboxException("the local sandbox's supervisor did not start '" + record.command() + "' within 60 s");
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    // ---- the poller's tick --------------------------------------------------------------------------------------

    void poll() {
        out.refresh();
        err.refresh();
        reclaimIfNeeded();
        if (!orphaned || result != null) return;
        StateDir.ExitStatus end = home.exitStatus(record);
        if (end != null) {
            complete(end.code(), end.signal(), end.reason(), end.at());
        } else if ((missing > 0 || ++ticks % LIVENESS_TICKS == 0) && !ProcessTree.carries(pid, record.cookie())) {
            // Gone without an exit file. Its supervisor writes that right after reaping it: a few ticks for that.
            if (++missing >= 3) complete(null, 0, "lost", Instant.now());
        } else {
            missing = 0;
        }
    }

    private void reclaimIfNeeded() {
        if ((out.needsReclaim() || err.needsReclaim()) && reclaiming.compareAndSet(false, true)) {
            LogPoller.SLOW_WORK.execute(() -> {
                try {
                    out.reclaim();
                    err.reclaim();
                } finally {
                    reclaiming.set(false);
                }
            });
        }
    }

    // ---- the end ------------------------------------------------------------------------------------------------

    /**
     * Ends the command: {@code code} null when nobody knows it; {@code reason} as the supervisor wrote it
     * ({@code exited}, {@code killed}, {@code timedout}) or {@code lost}.
     */
    private void complete(Integer code, int signal, String reason, Instant at) {
        CommandResult r;
        synchronized (this) {
            if (result != null) return;
            endedAt = at;
            endNanos = startNanos + Math.max(0, Duration.between(startedAt, at).toNanos());
            ProcessState requested = stopReason.get();
            Signal sent = lastSignal;
            ProcessState state;
            String error = null;
            if (startError != null) {
                state = ProcessState.FAILED;
                error = startError;
            } else if (requested == ProcessState.TIMED_OUT || "timedout".equals(reason)) {
                state = ProcessState.TIMED_OUT;
                error = "timed out after " + format(timeout());
            } else if (requested == ProcessState.KILLED || "killed".equals(reason)
                    || (sent != null && (signal == sent.number() || (code != null && code == 128 + sent.number())))) {
                state = ProcessState.KILLED;
                error = "killed";
            } else if (code == null) {
                state = ProcessState.FAILED;
                error = "ended while no sandbox watched it; its exit code is unknown (its supervisor was killed)";
            } else {
                state = code == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
            }
            r = new CommandResult(id, state, code, "", "", out.end(), err.end(), startedAt,
                    Duration.ofNanos(endNanos - startNanos), error);
            result = r;
        }
        ScheduledFuture<?> t = timer;
        if (t != null) t.cancel(false);
        LogPoller.remove(this);
        out.refresh();
        err.refresh();
        StdinWriter w = stdin;
        if (w != null) w.abort();
        if (record.logCap() > 0) { // what the cap dropped near the end is freed once settled (40 s, see ProcessLog.reclaim)
            out.noteEnd();
            err.noteEnd();
            TIMERS.schedule(this::reclaimIfNeeded, 41, TimeUnit.SECONDS);
        }
        commands.recordChanged(this);
        if (adoptedFrom != null) commands.ended(this);
        ended.complete(r);
        for (LogFollower f : followers) f.wake();
    }

    private void scheduleTimeout() {
        Duration limit = timeout();
        if (limit == null) return;
        long left = LocalProcess.nanos(limit) - Math.max(0, Duration.between(startedAt, Instant.now()).toNanos());
        timer = TIMERS.schedule(() -> LogFollower.DEFAULT_EXECUTOR.execute(() -> stop(ProcessState.TIMED_OUT)),
                Math.max(0, left), TimeUnit.NANOSECONDS);
    }

    /** Kills the tree with {@code reason} as the final state; returns false if the command had already ended. */
    boolean stop(ProcessState reason) {
        awaitLaunch();
        ProcessTree.Tree t = tree;
        if (t == null) return false; // a failed start is ended already
        if (result != null) {
            // Ended, but background children may still write into its logs: they belong to the tree too.
            if (!ProcessTree.withLeftovers(List.of(t)).isEmpty()) ProcessTree.terminate(List.of(t), killGrace);
            return false;
        }
        if (stopReason.compareAndSet(null, reason)) commands.stopping(this, reason);
        ProcessTree.terminate(List.of(t), killGrace);
        try {
            ended.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the end is reported by the supervisor (or seen by the poller); nothing more to do here
        }
        return true;
    }

    /** For closing the sandbox: marks the command as killed before its tree is terminated in bulk. */
    void markKilled() {
        if (result == null) stopReason.compareAndSet(null, ProcessState.KILLED);
    }

    // ---- for the sandbox ----------------------------------------------------------------------------------------

    ProcessRecord record() {
        CommandResult r = result;
        ProcessRecord base = record.withPid(pid);
        return r == null ? base : base.ended(r.state(), r.exitCode(), endedAt, r.error());
    }

    StateDir home() {
        return home;
    }

    /** The session this command was adopted from, or null if this sandbox started it. */
    String adoptedFrom() {
        return adoptedFrom;
    }

    /** The process tree, or null if the process did not start. */
    ProcessTree.Tree tree() {
        return tree;
    }

    boolean isRunning() {
        return result == null;
    }

    Instant endedAt() {
        return endedAt;
    }

    CompletableFuture<CommandResult> ended() {
        return ended;
    }

    /** The end as seen so far, or null while it runs. */
    CommandResult result() {
        return result;
    }

    String name() {
        return record.name();
    }

    String cookie() {
        return record.cookie();
    }

    int seq() {
        return record.seq();
    }

    List<String> argv() {
        return record.argv();
    }

    Duration timeout() {
        return record.timeoutMs() == null ? null : Duration.ofMillis(record.timeoutMs());
    }

    /** Bytes in both logs. */
    long logBytes() {
        return out.end() + err.end();
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

    /** Stops watching without ending anything (the sandbox was abandoned: the crash policy applies). */
    void abandon() {
        LogPoller.remove(this);
        ScheduledFuture<?> t = timer;
        if (t != null) t.cancel(false);
        for (LogFollower f : followers) f.close();
        StdinWriter w = stdin;
        if (w != null) w.abort();
    }

    // ---- CommandHandle ------------------------------------------------------------------------------------------

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
        return new ProcessInfo(id, record.name(), pid, record.command(), record.cwd(), record.env(), state(),
                r == null ? null : r.exitCode(), startedAt, r == null ? null : endedAt, out.end(), err.end(), record.tag(),
                null, adoptedFrom);
    }

    @Override
    public ProcessState state() {
        CommandResult r = result;
        if (r != null) return r.state();
        return launched.isDone() ? ProcessState.RUNNING : ProcessState.QUEUED;
    }

    @Override
    public Integer exitCode() {
        CommandResult r = result;
        return r == null ? null : r.exitCode();
    }

    @Override
    public CommandResult waitFor() throws InterruptedException {
        try {
            return ended.get();
        } catch (ExecutionException e) {
            throw new SandboxException("waiting for " + id() + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public CommandResult waitFor(Duration timeout) throws InterruptedException {
        if (timeout == null || timeout.isNegative()) throw new IllegalArgumentException("timeout must be >= 0, got " + timeout);
        try {
            return ended.get(Math.min(nanos(timeout), Long.MAX_VALUE / 4), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return new CommandResult(id(), state(), null, "", "", out.end(), err.end(), startedAt,
                    Duration.ofNanos(System.nanoTime() - startNanos), null);
        } catch (ExecutionException e) {
            throw new SandboxException("waiting for " + id() + " failed: " + e.getCause(), e.getCause());
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
        awaitLaunch();
        ProcessTree.Tree t = tree;
        if (result != null || t == null) throw new SandboxException("process " + id() + " has already ended");
        if (signal == Signal.TERM || signal == Signal.KILL || signal == Signal.INT || signal == Signal.HUP || signal == Signal.QUIT) {
            lastSignal = signal;
        }
        ProcessTree.signal(signal, List.of(t), ProcessTree.members(List.of(t), Set.of()));
    }

    /** Queues {@code data} for the process's stdin and returns at once (see {@link StdinWriter}). */
    @Override
    public void sendStdin(byte[] data) {
        if (data == null) throw new IllegalArgumentException("data must not be null");
        if (!record.stdin()) {
            throw new SandboxException("process " + id() + " was started without stdin; start it with RunOptions.stdin(true) (magics: --stdin)");
        }
        if (result != null) throw new SandboxException("process " + id() + " has already ended");
        stdinWriter().send(data);
    }

    @Override
    public void closeStdin() {
        if (record.stdin() && result == null) stdinWriter().close();
    }

    private StdinWriter stdinWriter() {
        StdinWriter w = stdin;
        if (w != null) return w;
        synchronized (this) {
            if (stdin == null) {
                // Read and write: opening a FIFO so never blocks, whether or not the process still reads it.
                stdin = new StdinWriter(id(), () -> Channels.newOutputStream(FileChannel.open(home.file(record, ".in"),
                        StandardOpenOption.READ, StandardOpenOption.WRITE)), () -> commands.closeStdin(this), STDIN_WRITERS);
                if (result != null) stdin.abort();
            }
            return stdin;
        }
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
        long end = log.end();
        long size = end - log.start();
        if (size > MAX_TEXT_BYTES) {
            throw new SandboxException("the " + log.stream().name().toLowerCase() + " log of " + id() + " holds " + size
                    + " bytes, too many for one string; read it in parts with readOutput");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream((int) size);
        long offset = 0;
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
        return "LocalProcess[" + id() + ", pid " + pid + ", " + state() + ", " + record.command() + "]";
    }
}
