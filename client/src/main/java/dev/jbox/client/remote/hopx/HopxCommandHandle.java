package dev.jbox.client.remote.hopx;

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

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A command jbox started in a HopX sandbox (see start.sh): its logs are files in the sandbox, read with byte
 * offsets, so nothing is lost while the sandbox lives. The sandbox's {@link OutputPoller} reports its output and
 * end; subscriptions get them through a {@link Delivery} each.
 */
final class HopxCommandHandle implements CommandHandle {

    /** Exit codes of coreutils' timeout: TERM worked (124), or KILL was needed after it (128 + 9). */
    private static final int TIMEOUT_EXIT = 124;
    private static final int TIMEOUT_KILLED_EXIT = 137;

    private final HopxCommands commands;
    private final String key;
    private final String id;
    private final Meta meta;
    private final Instant startedAt;
    private final CompletableFuture<CommandResult> done = new CompletableFuture<>();
    private final List<Delivery> deliveries = new ArrayList<>(); // guarded by this
    // Where the poller reads while someone subscribes (-1: nobody does); written under this, read by the poller freely.
    private volatile long fetchedOut = -1;
    private volatile long fetchedErr = -1;
    private volatile String processId;
    private volatile boolean idRecorded;
    private volatile long pid;
    private volatile ProcessState state;
    private volatile String backendState;
    private volatile long outBytes;
    private volatile long errBytes;
    private volatile Instant endedAt;
    private volatile boolean killRequested;
    private volatile boolean gone;

    HopxCommandHandle(HopxCommands commands, String key, String id, String processId, Meta meta, long pid, ProcessState state,
                      String backendState) {
        this.commands = commands;
        this.key = key;
        this.id = id;
        this.processId = processId;
        this.idRecorded = processId == null;
        this.meta = meta;
        this.startedAt = meta.startedAt() == null ? Instant.now() : Instant.parse(meta.startedAt());
        this.pid = pid;
        this.state = state;
        this.backendState = backendState;
    }

    String key() {
        return key;
    }

    String processId() {
        return processId;
    }

    void backendState(String s) {
        if (s != null) backendState = s;
    }

    boolean ended() {
        return done.isDone();
    }

    // ---- what the poller asks and reports

    /** This command's line of a poll: "KEY OUT ERR [HOPX_ID]", offsets - when nobody subscribes. Lock-free (see OutputPoller). */
    String pollLine() {
        long out = fetchedOut;
        long err = fetchedErr;
        String offsets = out < 0 || err < 0 ? "- -" : out + " " + err;
        return key + " " + offsets + (idRecorded ? "" : " " + processId);
    }

    boolean wantsOutput() {
        return fetchedOut >= 0;
    }

    /** What a poll found; {@code asked*} are the offsets it read from (-1: none). */
    synchronized void accept(PollReport r, long askedOut, long askedErr) {
        if (done.isDone()) return;
        idRecorded = true;
        if (r.pid() > 0) pid = r.pid();
        if (r.alive() != 2 && state == ProcessState.QUEUED) state = ProcessState.RUNNING;
        if (askedOut >= 0 && r.out() != null) take(StreamKind.STDOUT, askedOut, r.out());
        if (askedErr >= 0 && r.err() != null) take(StreamKind.STDERR, askedErr, r.err());
        if (r.ended() && r.outSize() >= 0) {
            outBytes = r.outSize();
            errBytes = Math.max(0, r.errSize());
        } else {
            outBytes = Math.max(outBytes, Math.max(r.outSize(), fetchedOut));
            errBytes = Math.max(errBytes, Math.max(r.errSize(), fetchedErr));
        }
        if (!r.ended()) return;
        if (r.exitCode() == null) { // ended without the wrapper's word: killed from outside it
            if (!gone) {
                gone = true;
                commands.resolveGone(this);
            }
            return;
        }
        if (fetchedOut < 0 || (fetchedOut >= outBytes && fetchedErr >= errBytes)) finish(r.exitCode(), null);
        // else: the rest of the output comes with the next poll
    }

    private void take(StreamKind stream, long offset, byte[] bytes) {
        boolean out = stream == StreamKind.STDOUT;
        long fetched = out ? fetchedOut : fetchedErr;
        if (fetched < 0 || offset + bytes.length <= fetched || offset > fetched) return; // nobody asked, or already had it
        byte[] part = offset == fetched ? bytes : Arrays.copyOfRange(bytes, (int) (fetched - offset), bytes.length);
        for (Delivery d : deliveries) d.offer(stream, fetched, part);
        if (out) fetchedOut = fetched + part.length;
        else fetchedErr = fetched + part.length;
    }

    /** The end: the exit code from the sandbox (null if unknown), or an error. */
    synchronized void finish(Integer exitCode, String error) {
        if (done.isDone()) return;
        Long timeout = meta.timeoutSeconds();
        boolean timedOut = timeout != null && exitCode != null && (exitCode == TIMEOUT_EXIT || exitCode == TIMEOUT_KILLED_EXIT)
                && Duration.between(startedAt, Instant.now()).toMillis() >= timeout * 1000 - 500;
        ProcessState s = timedOut ? ProcessState.TIMED_OUT
                : killRequested ? ProcessState.KILLED
                : exitCode != null && exitCode == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
        endedAt = Instant.now();
        state = s;
        CommandResult r = new CommandResult(id, s, exitCode, "", "", outBytes, errBytes, startedAt, Duration.between(startedAt, endedAt),
                error);
        done.complete(r);
        for (Delivery d : deliveries) d.end(r);
        deliveries.clear();
        fetchedOut = fetchedErr = -1;
        commands.ended(this);
    }

    /** The sandbox was deleted with this command in it. */
    void sandboxDeleted() {
        killRequested = true;
        finish(null, "its HopX sandbox was deleted");
    }

    /** Known to have ended before this session attached to it, as recorded in the sandbox. */
    synchronized void ended(ProcessInfo recorded) {
        outBytes = recorded.stdoutBytes();
        errBytes = recorded.stderrBytes();
        endedAt = recorded.endedAt();
        state = recorded.state();
        backendState = recorded.backendState();
        done.complete(new CommandResult(id, state, recorded.exitCode(), "", "", outBytes, errBytes, startedAt,
                endedAt == null ? null : Duration.between(startedAt, endedAt), null));
        commands.ended(this);
    }

    /** Following failed for good (the agent is unreachable): subscribers and waiters are told. */
    synchronized void fail(SandboxException error) {
        if (done.isDone()) return;
        for (Delivery d : deliveries) d.fail(error);
        deliveries.clear();
        fetchedOut = fetchedErr = -1;
        done.completeExceptionally(error);
    }

    /** Bytes known to be in a log (what the poller fetched or the sandbox reported). */
    long knownBytes(StreamKind stream) {
        return stream == StreamKind.STDOUT ? outBytes : errBytes;
    }

    synchronized void unsubscribe(Delivery d) {
        deliveries.remove(d);
        if (deliveries.isEmpty()) fetchedOut = fetchedErr = -1;
    }

    // ---- CommandHandle

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
        CommandResult r = done.isDone() && !done.isCompletedExceptionally() ? done.join() : null;
        return new ProcessInfo(id, meta.name(), pid, meta.command(), meta.cwd(), meta.env() == null ? Map.of() : meta.env(), state,
                r == null ? null : r.exitCode(), startedAt, endedAt, outBytes, errBytes, meta.tag(), backendState, null);
    }

    @Override
    public ProcessState state() {
        return state;
    }

    @Override
    public Integer exitCode() {
        return done.isDone() && !done.isCompletedExceptionally() ? done.join().exitCode() : null;
    }

    @Override
    public CommandResult waitFor() throws InterruptedException {
        if (!done.isDone()) commands.poller().watch(this);
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public CommandResult waitFor(Duration timeout) throws InterruptedException {
        if (!done.isDone()) commands.poller().watch(this);
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (TimeoutException e) {
            return new CommandResult(id, state, null, "", "", outBytes, errBytes, startedAt, Duration.between(startedAt, Instant.now()), null);
        }
    }

    private static SandboxException unwrap(ExecutionException e) {
        return e.getCause() instanceof SandboxException s ? new SandboxException(s.getMessage(), s) : new SandboxException(String.valueOf(e.getCause()), e);
    }

    /**
     * Asks HopX to kill the command (so that HopX records it as killed), then TERMs what is left of its process
     * tree and KILLs it after {@link HopxCommands#KILL_GRACE}; returns once the end was seen.
     */
    @Override
    public boolean kill() {
        if (done.isDone()) return false;
        killRequested = true;
        if (processId != null) commands.agent().kill(processId);
        commands.signal(this, Signal.TERM, HopxCommands.KILL_GRACE);
        try {
            done.get(HopxCommands.KILL_GRACE.toMillis() + commands.options().requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the end is reported by the poller
        }
        return true;
    }

    @Override
    public void signal(Signal signal) {
        if (signal == null) throw new IllegalArgumentException("signal must not be null");
        if (done.isDone()) throw new SandboxException("process " + id + " has already ended");
        if (signal == Signal.TERM || signal == Signal.KILL || signal == Signal.INT || signal == Signal.HUP || signal == Signal.QUIT) {
            killRequested = true;
        }
        commands.signal(this, signal, Duration.ZERO);
    }

    @Override
    public void sendStdin(byte[] data) {
        throw noStdin();
    }

    @Override
    public void closeStdin() {
        throw noStdin();
    }

    static SandboxException noStdin() {
        return new SandboxException("HopX gives background commands no stdin: there is nothing to send input to");
    }

    @Override
    public Subscription subscribe(long stdoutOffset, long stderrOffset, OutputListener listener) {
        if (stdoutOffset < 0 || stderrOffset < 0) throw new IllegalArgumentException("offsets must be >= 0");
        Delivery d = new Delivery(this, stdoutOffset, stderrOffset, listener);
        boolean wake;
        synchronized (this) {
            if (done.isDone()) {
                try {
                    d.end(done.join());
                } catch (java.util.concurrent.CompletionException e) {
                    d.fail(new SandboxException("following " + id + " failed: " + e.getCause().getMessage(), e.getCause()));
                }
                return d.start();
            }
            wake = fetchedOut < 0;
            if (wake) {
                fetchedOut = Math.max(stdoutOffset, outBytes);
                fetchedErr = Math.max(stderrOffset, errBytes);
            }
            deliveries.add(d);
        }
        d.start();
        if (wake) commands.poller().watch(this);
        return d;
    }

    @Override
    public LogRead readOutput(StreamKind stream, long offset, int maxBytes) {
        if (offset < 0 || maxBytes < 0) throw new IllegalArgumentException("offset and maxBytes must be >= 0");
        return commands.read(key, stream, offset, maxBytes);
    }
}
