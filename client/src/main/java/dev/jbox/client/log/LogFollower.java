package dev.jbox.client.log;

import dev.jbox.client.CommandResult;
import dev.jbox.client.LogRead;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Delivers a process's two logs to one listener: replay from the requested offsets, then live output, then
 * {@code onExit} once the process has ended. The follower pulls from the logs by offset on a pool thread
 * whenever they grow, so a slow listener delays only itself and never the process or the log writer.
 *
 * <pre>{@code
 * LogFollower f = new LogFollower(out, err, 0, 0, listener, () -> endResultOrNull, LogFollower.DEFAULT_EXECUTOR, null);
 * f.start();                 // the owner calls f.wake() when the process ends
 * }</pre>
 */
public final class LogFollower implements Subscription {

    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Shared pool of daemon delivery threads; idle ones exit after a minute. */
    public static final ExecutorService DEFAULT_EXECUTOR = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jbox-output-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** Bytes per chunk, and per turn on a pool thread before yielding it to other followers. */
    private static final int CHUNK = 64 * 1024;
    private static final int TURN_BUDGET = 4 * 1024 * 1024;

    private static final int IDLE = 0, RUNNING = 1, DIRTY = 2;

    private final ProcessLog out;
    private final ProcessLog err;
    private final OutputListener listener;
    private final Supplier<CommandResult> endResult;
    private final Executor executor;
    private final Runnable onDone;
    private final Runnable wakeUp = this::wake;
    private final AtomicInteger state = new AtomicInteger(IDLE);

    private volatile long outOffset;
    private volatile long errOffset;
    private volatile boolean done;
    private final java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    // Set once the end was seen: deliver up to these offsets, then onExit (output appended later by leftover
    // background children stays in the log but is not delivered).
    private CommandResult result;
    private long outTarget;
    private long errTarget;

    /**
     * @param endResult returns the final result once the process ended, else null; the owner must call
     *                  {@link #wake()} when it becomes non-null
     * @param onDone    called once when the follower stops (after onExit, on close or on a listener failure); may be null
     */
    public LogFollower(ProcessLog out, ProcessLog err, long stdoutOffset, long stderrOffset, OutputListener listener,
                       Supplier<CommandResult> endResult, Executor executor, Runnable onDone) {
        if (stdoutOffset < 0 || stderrOffset < 0) {
            throw new IllegalArgumentException("offsets must be >= 0, got " + stdoutOffset + ", " + stderrOffset);
        }
        this.out = out;
        this.err = err;
        this.outOffset = stdoutOffset;
        this.errOffset = stderrOffset;
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        this.endResult = endResult;
        this.executor = executor;
        this.onDone = onDone;
    }

    /** Starts delivery. */
    public LogFollower start() {
        out.addWatcher(wakeUp);
        err.addWatcher(wakeUp);
        wake();
        return this;
    }

    /** Something changed (new bytes, the end): schedule a pull unless one is pending. Never blocks. */
    public void wake() {
        for (;;) {
            int s = state.get();
            if (s == DIRTY || done) return;
            if (s == RUNNING) {
                if (state.compareAndSet(RUNNING, DIRTY)) return;
            } else if (state.compareAndSet(IDLE, RUNNING)) {
                submit();
                return;
            }
        }
    }

    @Override
    public long stdoutOffset() {
        return outOffset;
    }

    @Override
    public long stderrOffset() {
        return errOffset;
    }

    /** True once onExit was delivered or the subscription was closed. */
    public boolean isDone() {
        return done;
    }

    @Override
    public void close() {
        stop();
    }

    private void submit() {
        try {
            executor.execute(this::turn);
        } catch (RejectedExecutionException e) {
            stop();
        }
    }

    private void turn() {
        try {
            for (;;) {
                state.set(RUNNING); // wakes from now on mark DIRTY and make us look again
                boolean more = pull();
                if (done) return;
                if (more) { // budget used up: let other followers have the thread
                    submit();
                    return;
                }
                if (state.compareAndSet(RUNNING, IDLE)) return;
            }
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    /** Delivers what is available; returns true if the turn's budget ran out with more to deliver. */
    private boolean pull() {
        if (result == null) {
            CommandResult r = endResult.get();
            if (r != null) {
                result = r;
                outTarget = out.end();
                errTarget = err.end();
            }
        }
        int budget = TURN_BUDGET;
        for (;;) {
            if (done) return false;
            long outLimit = result == null ? Long.MAX_VALUE : outTarget;
            long errLimit = result == null ? Long.MAX_VALUE : errTarget;
            int a = deliver(out, true, outLimit);
            if (done) return false;
            int b = deliver(err, false, errLimit);
            budget -= a + b;
            if (a + b == 0) break;
            if (budget <= 0) return true;
        }
        if (result != null && markDone()) {
            finishWatching();
            try {
                listener.onExit(result);
            } finally {
                if (onDone != null) onDone.run();
            }
        }
        return false;
    }

    private int deliver(ProcessLog log, boolean isOut, long limit) {
        long offset = isOut ? outOffset : errOffset;
        long max = Math.min(CHUNK, limit - offset);
        if (max <= 0) return 0;
        LogRead r = log.read(offset, (int) max);
        StreamKind kind = log.stream();
        if (r.skipped() > 0) listener.onGap(kind, offset, r.skipped());
        int n = r.bytes().length;
        long next = r.offset() + n;
        if (n > 0) listener.onOutput(new OutputChunk(kind, r.offset(), r.bytes()));
        if (isOut) outOffset = next; else errOffset = next;
        return n + (int) Math.min(r.skipped(), 1); // a gap counts as progress
    }

    private void fail(Throwable e) {
        boolean wasDone = done;
        stop();
        if (!wasDone) {
            try {
                listener.onError(e instanceof Exception ex ? ex : new RuntimeException(e));
            } catch (RuntimeException ignored) {
                // the listener already failed once; nothing more to tell it
            }
        }
    }

    private boolean markDone() {
        return once.compareAndSet(false, true) && (done = true);
    }

    private void stop() {
        if (!markDone()) return;
        finishWatching();
        if (onDone != null) onDone.run();
    }

    private void finishWatching() {
        out.removeWatcher(wakeUp);
        err.removeWatcher(wakeUp);
    }
}
