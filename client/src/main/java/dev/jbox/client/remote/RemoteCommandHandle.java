package dev.jbox.client.remote;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LogRead;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Signal;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;
import dev.jbox.client.UnknownProcessException;
import dev.jbox.client.remote.envd.ConnectCode;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Messages;
import dev.jbox.client.remote.envd.Messages.EndEvent;
import dev.jbox.client.remote.envd.Messages.ProcessSelector;
import dev.jbox.client.remote.envd.Protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process on an agent. A watcher stream tracks its end and byte counts; each subscription has its own stream
 * that the agent replays from the requested offsets. Against stock envd, output is kept in a bounded
 * {@link ClientLog} instead, since envd cannot replay.
 */
final class RemoteCommandHandle implements CommandHandle {

    private final RemoteSandbox sandbox;
    private final EnvdClient client;
    private final long pid;
    private final String id;
    private final String command;
    private final Messages.ProcessConfig config;
    private final String tag;
    private final Instant startedAt;
    private final CompletableFuture<CommandResult> done = new CompletableFuture<>();
    private final ClientLog clientLog;
    private final List<LocalSub> localSubs = new CopyOnWriteArrayList<>();
    private volatile long stdoutBytes;
    private volatile long stderrBytes;
    private ProcessFollower watcher;

    RemoteCommandHandle(RemoteSandbox sandbox, long pid, String id, String command, Messages.ProcessConfig config, String tag,
                        Instant startedAt, long stdoutBytes, long stderrBytes) {
        this.sandbox = sandbox;
        this.client = sandbox.client();
        this.pid = pid;
        this.id = id;
        this.command = command;
        this.config = config;
        this.tag = tag;
        this.startedAt = startedAt;
        this.stdoutBytes = stdoutBytes;
        this.stderrBytes = stderrBytes;
        this.clientLog = sandbox.canReplay() ? null : new ClientLog(16 << 20);
    }

    /** Starts the watcher, on the Start stream if given, else by connecting. */
    void watch(EventReader initial) {
        watcher = new ProcessFollower(client, pid, stdoutBytes, stderrBytes, sandbox.canReplay(), true, new EventSink() {
            @Override
            public void onTotals(long stdout, long stderr) {
                stdoutBytes = stdout;
                stderrBytes = stderr;
            }

            @Override
            public void onData(StreamKind stream, long offset, byte[] bytes) {
                long end = offset + bytes.length;
                if (stream == StreamKind.STDOUT) stdoutBytes = end;
                else stderrBytes = end;
                if (clientLog != null) {
                    synchronized (localSubs) {
                        clientLog.append(stream, bytes);
                        for (LocalSub s : localSubs) s.listener.onOutput(new OutputChunk(stream, offset, bytes));
                    }
                }
            }

            @Override
            public void onGap(StreamKind stream, long offset, long missing) {
                if (stream == StreamKind.STDOUT) stdoutBytes = offset + missing;
                else stderrBytes = offset + missing;
            }

            @Override
            public void onEnd(EndEvent end) {
                CommandResult r = result(end);
                synchronized (localSubs) {
                    done.complete(r);
                    for (LocalSub s : localSubs) s.listener.onExit(r);
                    localSubs.clear();
                }
            }

            @Override
            public void onFailure(SandboxException error) {
                synchronized (localSubs) {
                    done.completeExceptionally(error);
                    for (LocalSub s : localSubs) s.listener.onError(error);
                    localSubs.clear();
                }
            }
        }, initial).start();
    }

    void stopWatching() {
        if (watcher != null) watcher.close();
        done.completeExceptionally(new SandboxException("the sandbox " + sandbox.describe() + " was closed"));
    }

    boolean running() {
        return !done.isDone();
    }

    private CommandResult result(EndEvent end) {
        ProcessState state;
        String err = end.error();
        String status = end.status() == null ? "" : end.status();
        if (err != null && err.toLowerCase(Locale.ROOT).contains("timed out")) state = ProcessState.TIMED_OUT;
        else if (status.startsWith("signal:")) state = ProcessState.KILLED;
        else if (Boolean.TRUE.equals(end.exited())) state = end.exitCode() == null || end.exitCode() == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
        else state = ProcessState.FAILED;
        Integer code = Boolean.TRUE.equals(end.exited()) ? (end.exitCode() == null ? 0 : end.exitCode()) : null;
        return new CommandResult(id, state, code, "", "", stdoutBytes, stderrBytes, startedAt,
                startedAt == null ? null : Duration.between(startedAt, Instant.now()), err);
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
        if (sandbox.canListEnded()) {
            for (ProcessInfo i : sandbox.commands().list()) {
                if (i.pid() == pid) return i;
            }
        }
        CommandResult r = done.isDone() && !done.isCompletedExceptionally() ? done.join() : null;
        return new ProcessInfo(id, null, pid, command, config == null ? null : config.cwd(),
                config == null || config.envs() == null ? Map.of() : config.envs(), state(), r == null ? null : r.exitCode(), startedAt,
                null, stdoutBytes, stderrBytes, tag);
    }

    @Override
    public ProcessState state() {
        if (!done.isDone()) return ProcessState.RUNNING;
        if (done.isCompletedExceptionally()) return ProcessState.FAILED;
        return done.join().state();
    }

    @Override
    public Integer exitCode() {
        return done.isDone() && !done.isCompletedExceptionally() ? done.join().exitCode() : null;
    }

    @Override
    public CommandResult waitFor() throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public CommandResult waitFor(Duration timeout) throws InterruptedException {
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (TimeoutException e) {
            return new CommandResult(id, ProcessState.RUNNING, null, "", "", stdoutBytes, stderrBytes, startedAt,
                    startedAt == null ? null : Duration.between(startedAt, Instant.now()), null);
        }
    }

    private static SandboxException unwrap(ExecutionException e) {
        return e.getCause() instanceof SandboxException s ? new SandboxException(s.getMessage(), s) : new SandboxException(String.valueOf(e.getCause()), e);
    }

    @Override
    public boolean kill() {
        if (done.isDone()) return false;
        try {
            // jbox agents treat SIGTERM as "TERM the tree, KILL after a grace period"
            sandbox.client().unary(Protocol.SERVICE + "SendSignal",
                    new Messages.SendSignalRequest(ProcessSelector.ofPid(pid), sandbox.mapper().getNodeFactory().textNode(
                            sandbox.canReplay() ? "SIGNAL_SIGTERM" : "SIGNAL_SIGKILL")), Messages.Empty.class);
            return true;
        } catch (ConnectException e) {
            if (e.code() == ConnectCode.NOT_FOUND) return false;
            throw sandboxError(e);
        }
    }

    @Override
    public void signal(Signal signal) {
        String name = switch (signal) {
            case KILL -> "SIGNAL_SIGKILL";
            case TERM -> "SIGNAL_SIGTERM";
            default -> throw new SandboxException("signal " + signal + " cannot be sent over the envd protocol (only TERM and KILL)");
        };
        call("SendSignal", new Messages.SendSignalRequest(ProcessSelector.ofPid(pid), sandbox.mapper().getNodeFactory().textNode(name)));
    }

    @Override
    public void sendStdin(byte[] data) {
        call("SendInput", new Messages.SendInputRequest(ProcessSelector.ofPid(pid), new Messages.ProcessInput(data, null)));
    }

    @Override
    public void closeStdin() {
        call("CloseStdin", new Messages.CloseStdinRequest(ProcessSelector.ofPid(pid)));
    }

    private void call(String method, Object request) {
        try {
            client.unary(Protocol.SERVICE + method, request, Messages.Empty.class);
        } catch (ConnectException e) {
            throw sandboxError(e);
        }
    }

    private SandboxException sandboxError(ConnectException e) {
        if (e.code() == ConnectCode.NOT_FOUND) return new SandboxException("process " + id + " (pid " + pid + ") is not running on " + client.baseUrl());
        return new SandboxException(e.code().wireName() + ": " + e.getMessage());
    }

    @Override
    public Subscription subscribe(long stdoutOffset, long stderrOffset, OutputListener listener) {
        if (clientLog != null) return subscribeLocally(stdoutOffset, stderrOffset, listener);
        ProcessFollower f = new ProcessFollower(client, pid, stdoutOffset, stderrOffset, true, false, new EventSink() {
            @Override
            public void onData(StreamKind stream, long offset, byte[] bytes) {
                listener.onOutput(new OutputChunk(stream, offset, bytes));
            }

            @Override
            public void onGap(StreamKind stream, long offset, long missing) {
                listener.onGap(stream, offset, missing);
            }

            @Override
            public void onEnd(EndEvent end) {
                listener.onExit(result(end));
            }

            @Override
            public void onFailure(SandboxException error) {
                listener.onError(error);
            }
        }, null).start();
        return new Subscription() {
            @Override
            public long stdoutOffset() {
                return f.stdoutOffset();
            }

            @Override
            public long stderrOffset() {
                return f.stderrOffset();
            }

            @Override
            public void close() {
                f.close();
            }
        };
    }

    private record LocalSub(OutputListener listener) {
    }

    private Subscription subscribeLocally(long stdoutOffset, long stderrOffset, OutputListener listener) {
        LocalSub sub = new LocalSub(listener);
        synchronized (localSubs) {
            replay(StreamKind.STDOUT, stdoutOffset, listener);
            replay(StreamKind.STDERR, stderrOffset, listener);
            if (done.isDone()) {
                if (done.isCompletedExceptionally()) listener.onError(new SandboxException("the connection to " + client.baseUrl() + " failed"));
                else listener.onExit(done.join());
            } else {
                localSubs.add(sub);
            }
        }
        return new Subscription() {
            @Override
            public long stdoutOffset() {
                return stdoutBytes;
            }

            @Override
            public long stderrOffset() {
                return stderrBytes;
            }

            @Override
            public void close() {
                localSubs.remove(sub);
            }
        };
    }

    private void replay(StreamKind kind, long from, OutputListener listener) {
        long at = from;
        while (true) {
            LogRead r = clientLog.read(kind, at, 1 << 16);
            if (r.skipped() > 0) listener.onGap(kind, at, r.skipped());
            if (r.bytes().length == 0) return;
            listener.onOutput(new OutputChunk(kind, r.offset(), r.bytes()));
            at = r.offset() + r.bytes().length;
        }
    }

    @Override
    public LogRead readOutput(StreamKind stream, long offset, int maxBytes) {
        if (clientLog != null) return clientLog.read(stream, offset, maxBytes);
        try {
            Messages.ReadLogResponse r = client.unary(Protocol.LOGS_READ, new Messages.ReadLogRequest(ProcessSelector.ofPid(pid),
                    stream.name().toLowerCase(Locale.ROOT), offset, maxBytes), Messages.ReadLogResponse.class);
            return new LogRead(stream, r.offset(), r.data() == null ? new byte[0] : r.data(), r.skipped(), r.end());
        } catch (ConnectException e) {
            if (e.code() == ConnectCode.NOT_FOUND) throw new UnknownProcessException(id);
            throw sandboxError(e);
        }
    }
}
