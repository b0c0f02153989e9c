package dev.jbox.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LogRead;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Signal;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;
import dev.jbox.client.UnknownProcessException;
import dev.jbox.client.local.LocalSandbox;
import dev.jbox.client.remote.envd.ConnectCode;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Messages.CloseStdinRequest;
import dev.jbox.client.remote.envd.Messages.ConnectRequest;
import dev.jbox.client.remote.envd.Messages.DataEvent;
import dev.jbox.client.remote.envd.Messages.Empty;
import dev.jbox.client.remote.envd.Messages.EventExt;
import dev.jbox.client.remote.envd.Messages.GapExt;
import dev.jbox.client.remote.envd.Messages.ListRequest;
import dev.jbox.client.remote.envd.Messages.ListResponse;
import dev.jbox.client.remote.envd.Messages.ProcessConfig;
import dev.jbox.client.remote.envd.Messages.ProcessEvent;
import dev.jbox.client.remote.envd.Messages.ProcessExt;
import dev.jbox.client.remote.envd.Messages.ReadLogRequest;
import dev.jbox.client.remote.envd.Messages.ReadLogResponse;
import dev.jbox.client.remote.envd.Messages.SendInputRequest;
import dev.jbox.client.remote.envd.Messages.SendSignalRequest;
import dev.jbox.client.remote.envd.Messages.StartRequest;
import dev.jbox.client.remote.envd.Messages.StreamResponse;
import dev.jbox.client.remote.envd.Messages.UpdateRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** envd's process.Process service on top of a {@link Sandbox}. Transport-free: the server feeds it parsed requests. */
final class ProcessService {

    /** Largest data event we emit; bigger chunks are split so that clients' message limits are never hit. */
    static final int MAX_DATA_EVENT = 256 * 1024;

    private final Sandbox sandbox;
    private final ProcessTable table = new ProcessTable();

    ProcessService(Sandbox sandbox) {
        this.sandbox = sandbox;
        adoptListed();
    }

    /**
     * Lists what the sandbox already has: after a crash, the processes the dead agent ran, which the local sandbox
     * adopted. Their clients find them again by pid and resume from their offsets.
     */
    private void adoptListed() {
        for (ProcessInfo p : sandbox.commands().list()) {
            if (p.pid() <= 0) continue;
            sandbox.commands().get(p.id()).ifPresent(h -> {
                List<String> argv = sandbox instanceof LocalSandbox local ? local.argv(p.id()).orElse(null) : null;
                ProcessConfig cfg = argv == null || argv.isEmpty()
                        ? new ProcessConfig(p.command(), List.of(), p.env(), p.cwd())
                        : new ProcessConfig(argv.get(0), argv.subList(1, argv.size()), p.env(), p.cwd());
                table.add(p.pid(), h, cfg, p.tag());
            });
        }
    }

    // ---- unary

    ListResponse list(ListRequest req) {
        boolean ext = req != null && req.jbox() != null;
        boolean ended = ext && req.jbox().ended();
        List<dev.jbox.client.remote.envd.Messages.ProcessInfo> out = new ArrayList<>();
        for (ProcessTable.Entry e : table.all()) {
            if (!e.running() && !ended) continue;
            out.add(new dev.jbox.client.remote.envd.Messages.ProcessInfo(e.config(), e.pid(), e.tag(), ext ? details(e) : null));
        }
        return new ListResponse(out);
    }

    Empty sendInput(SendInputRequest req) {
        ProcessTable.Entry e = table.findRunning(req.process());
        if (req.input() == null || (req.input().stdin() == null && req.input().pty() == null)) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "missing input: give input.stdin (base64)");
        }
        if (req.input().pty() != null) throw ptyUnsupported();
        try {
            e.handle().sendStdin(req.input().stdin());
        } catch (SandboxException | IllegalStateException ex) {
            throw new ConnectException(ConnectCode.FAILED_PRECONDITION, oneLine(ex));
        }
        return new Empty();
    }

    Empty sendSignal(SendSignalRequest req) {
        ProcessTable.Entry e = table.findRunning(req.process());
        // SIGKILL kills the tree at once (what stock SDKs send for kill); SIGTERM is a graceful kill of the tree:
        // TERM, then KILL after the sandbox's grace period, so that no orphan survives.
        if (parseSignal(req.signal()) == Signal.KILL) e.handle().signal(Signal.KILL);
        else e.handle().kill();
        return new Empty();
    }

    Empty closeStdin(CloseStdinRequest req) {
        ProcessTable.Entry e = table.findRunning(req.process());
        try {
            e.handle().closeStdin();
        } catch (SandboxException | IllegalStateException ex) {
            throw new ConnectException(ConnectCode.FAILED_PRECONDITION, oneLine(ex));
        }
        return new Empty();
    }

    Empty update(UpdateRequest req) {
        table.find(req.process());
        if (req.pty() != null) throw ptyUnsupported();
        throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "nothing to update: Update only changes a PTY size, and jbox agent runs processes without a PTY");
    }

    ReadLogResponse readLog(ReadLogRequest req) {
        ProcessTable.Entry e = table.find(req.process());
        StreamKind kind = parseStream(req.stream());
        int max = Math.max(0, Math.min(req.maxBytes(), 4 << 20));
        if (req.offset() < 0) throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "offset must be >= 0");
        LogRead r = e.handle().readOutput(kind, req.offset(), max);
        return new ReadLogResponse(r.offset(), r.bytes(), r.skipped(), r.end());
    }

    // ---- streams

    /** Starts the process, sends {@code start}, then its output and {@code end}. Returns when the stream is set up. */
    Subscription start(StartRequest req, Duration timeout, EventStream stream) {
        if (req.pty() != null) throw ptyUnsupported();
        ProcessConfig cfg = req.process();
        if (cfg == null || cfg.cmd() == null || cfg.cmd().isBlank()) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "missing process.cmd");
        }
        List<String> argv = new ArrayList<>();
        argv.add(cfg.cmd());
        if (cfg.args() != null) argv.addAll(cfg.args());
        RunOptions opts = RunOptions.background().argv(argv).stdin(req.stdin() == null || req.stdin());
        try {
            if (cfg.envs() != null) opts = opts.envs(cfg.envs());
            if (cfg.cwd() != null && !cfg.cwd().isEmpty()) opts = opts.cwd(cfg.cwd());
            if (req.tag() != null) opts = opts.tag(req.tag());
            if (req.jbox() != null && req.jbox().name() != null) opts = opts.name(req.jbox().name());
            Long extTimeout = req.jbox() == null ? null : req.jbox().timeoutMs();
            if (extTimeout != null && extTimeout > 0) opts = opts.timeout(Duration.ofMillis(extTimeout));
            else if (timeout != null) opts = opts.timeout(timeout);
        } catch (IllegalArgumentException ex) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, oneLine(ex));
        }
        CommandHandle h;
        try {
            h = sandbox.commands().start(String.join(" ", argv), opts);
        } catch (SandboxException | IllegalArgumentException ex) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "cannot start " + cfg.cmd() + ": " + oneLine(ex));
        }
        if (h.pid() <= 0) {
            CommandResult r = waitQuietly(h);
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "cannot start " + cfg.cmd() + ": "
                    + (r != null && r.error() != null ? r.error() : "the process did not start"));
        }
        ProcessTable.Entry entry = table.add(h.pid(), h, new ProcessConfig(cfg.cmd(), cfg.args() == null ? List.of() : cfg.args(),
                cfg.envs() == null ? Map.of() : cfg.envs(), cfg.cwd()), req.tag());
        stream.send(new StreamResponse(ProcessEvent.ofStart(entry.pid()), req.jbox() == null ? null : EventExt.id(h.id())));
        if (req.jbox() != null && Boolean.TRUE.equals(req.jbox().quiet())) return awaitEnd(entry, stream);
        return follow(entry, 0, 0, req.jbox() != null, false, stream);
    }

    /**
     * Attaches to a process. Stock request: only output from now on, and only running processes (as envd).
     * With the resume extension: replays from the given offsets, also for ended processes.
     */
    Subscription connect(ConnectRequest req, EventStream stream) {
        boolean resume = req.jbox() != null;
        ProcessTable.Entry e = resume ? table.find(req.process()) : table.findRunning(req.process());
        long out = resume ? req.jbox().stdoutOffset() : e.handle().info().stdoutBytes();
        long err = resume ? req.jbox().stderrOffset() : e.handle().info().stderrBytes();
        if (out < 0 || err < 0) throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "offsets must be >= 0");
        stream.send(new StreamResponse(ProcessEvent.ofStart(e.pid()), resume ? EventExt.id(e.handle().id()) : null));
        if (resume && Boolean.TRUE.equals(req.jbox().quiet())) return awaitEnd(e, stream);
        return follow(e, out, err, resume, resume && Boolean.TRUE.equals(req.jbox().raw()), stream);
    }

    private static void end(CommandResult result, boolean annotate, EventStream stream) {
        stream.send(new StreamResponse(ProcessEvent.ofEnd(EndEvents.of(result)),
                annotate ? EventExt.totals(result.stdoutBytes(), result.stderrBytes()) : null));
        stream.finish(null);
    }

    /** A quiet stream: only the end (a watcher does not need the output, and must not cost a second copy of it). */
    private Subscription awaitEnd(ProcessTable.Entry e, EventStream stream) {
        return new QuietWait(e, stream);
    }

    /** Waits for the end of a process on the stream's own worker thread (see {@link AgentServer}): no extra thread. */
    static final class QuietWait implements Subscription {
        private final ProcessTable.Entry entry;
        private final EventStream stream;
        private volatile boolean closed;

        QuietWait(ProcessTable.Entry entry, EventStream stream) {
            this.entry = entry;
            this.stream = stream;
        }

        /** Blocks until the process ends (then sends the end event), the stream ends, or this is closed. */
        void run() throws InterruptedException {
            try {
                while (!closed && stream.isOpen()) {
                    CommandResult r = entry.handle().waitFor(Duration.ofSeconds(1));
                    if (r.state().isFinal()) {
                        end(r, true, stream);
                        return;
                    }
                }
            } catch (RuntimeException ex) {
                stream.finish(new ConnectException(ConnectCode.INTERNAL, oneLine(ex)));
            }
        }

        @Override
        public long stdoutOffset() {
            return 0;
        }

        @Override
        public long stderrOffset() {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private Subscription follow(ProcessTable.Entry e, long out, long err, boolean annotate, boolean raw, EventStream stream) {
        AtomicReference<Subscription> sub = new AtomicReference<>();
        OutputListener listener = new OutputListener() {
            @Override
            public void onOutput(OutputChunk chunk) {
                byte[] b = chunk.bytes();
                if (raw) {
                    if (!stream.sendRaw(chunk.stream() == StreamKind.STDOUT, chunk.offset(), b)) closeQuietly(sub.get());
                    return;
                }
                for (int from = 0; from < b.length; from += MAX_DATA_EVENT) {
                    byte[] part = from == 0 && b.length <= MAX_DATA_EVENT ? b : Arrays.copyOfRange(b, from, Math.min(b.length, from + MAX_DATA_EVENT));
                    DataEvent d = chunk.stream() == StreamKind.STDOUT ? new DataEvent(part, null, null) : new DataEvent(null, part, null);
                    EventExt ext = annotate ? EventExt.offset(chunk.offset() + from) : null;
                    if (!stream.send(new StreamResponse(ProcessEvent.ofData(d), ext))) {
                        closeQuietly(sub.get());
                        return;
                    }
                }
            }

            @Override
            public void onGap(StreamKind kind, long offset, long missing) {
                if (annotate) {
                    stream.send(new StreamResponse(null, EventExt.gap(new GapExt(kind.name().toLowerCase(Locale.ROOT), offset, missing))));
                }
            }

            @Override
            public void onExit(CommandResult result) {
                end(result, annotate, stream);
            }

            @Override
            public void onError(Exception error) {
                stream.finish(new ConnectException(ConnectCode.INTERNAL, oneLine(error)));
            }
        };
        try {
            Subscription s = e.handle().subscribe(out, err, listener);
            sub.set(s);
            if (!stream.isOpen()) closeQuietly(s);
            return s;
        } catch (UnknownProcessException ex) {
            throw new ConnectException(ConnectCode.NOT_FOUND, oneLine(ex));
        }
    }

    private ProcessExt details(ProcessTable.Entry e) {
        ProcessInfo i = e.handle().info();
        return new ProcessExt(i.id(), i.name(), i.command(), i.state().name(), i.exitCode(), iso(i.startedAt()), iso(i.endedAt()),
                i.stdoutBytes(), i.stderrBytes());
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    private static Signal parseSignal(JsonNode n) {
        if (n == null || n.isNull()) throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "missing signal");
        String s = n.asText();
        return switch (s) {
            case "SIGNAL_SIGKILL", "9" -> Signal.KILL;
            case "SIGNAL_SIGTERM", "15" -> Signal.TERM;
            default -> throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "unsupported signal '" + s + "': use SIGNAL_SIGTERM or SIGNAL_SIGKILL");
        };
    }

    private static StreamKind parseStream(String s) {
        if ("stdout".equalsIgnoreCase(s)) return StreamKind.STDOUT;
        if ("stderr".equalsIgnoreCase(s)) return StreamKind.STDERR;
        throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "stream must be stdout or stderr, got '" + s + "'");
    }

    private static ConnectException ptyUnsupported() {
        return new ConnectException(ConnectCode.UNIMPLEMENTED, "PTY is not supported by jbox agent: processes run without a terminal; start them without pty");
    }

    private static CommandResult waitQuietly(CommandHandle h) {
        try {
            return h.waitFor(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void closeQuietly(Subscription s) {
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
