package dev.jbox.client.remote.hopx;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.Commands;
import dev.jbox.client.LogRead;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Signal;
import dev.jbox.client.StreamKind;
import dev.jbox.client.UnknownProcessException;
import dev.jbox.client.remote.hopx.HopxWire.BackgroundStarted;
import dev.jbox.client.remote.hopx.HopxWire.ProcessEntry;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@link Commands} of a HopX sandbox. Commands run wrapped by start.sh, as HopX background commands; their logs are
 * files in the sandbox ({@code <logRoot>/<sandbox id>/<key>/}). Ids are the {@code --name} given, else HopX's
 * process id. {@link #list()} shows every command jbox started in the sandbox (also by earlier sessions) and the
 * other background processes HopX lists, with HopX's own state names in {@link ProcessInfo#backendState()}.
 */
final class HopxCommands implements Commands {

    /** Time between TERM and KILL when a command is killed. */
    static final Duration KILL_GRACE = Duration.ofSeconds(2);
    /** The HopX timeout of a command without one of its own (HopX's default would end it after 5 minutes). */
    private static final long NO_TIMEOUT_SECONDS = Duration.ofDays(7).toSeconds();
    /** HopX's timeout comes this long after jbox's own, so that the wrapper's timeout ends the whole tree first. */
    private static final long TIMEOUT_MARGIN_SECONDS = 30;

    private final HopxSandbox sandbox;
    private final OutputPoller poller;
    private final Map<String, HopxCommandHandle> byKey = new ConcurrentHashMap<>();
    private final Map<String, CommandHandle> byId = new ConcurrentHashMap<>();
    /** How long after its start a command nobody subscribed to yet is followed anyway (for its end). */
    private static final Duration WATCH_AFTER = Duration.ofMillis(250);

    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jbox-hopx-states");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    HopxCommands(HopxSandbox sandbox) {
        this.sandbox = sandbox;
        this.poller = new OutputPoller(this);
    }

    HopxAgentClient agent() {
        return sandbox.agent();
    }

    HopxOptions options() {
        return sandbox.options();
    }

    OutputPoller poller() {
        return poller;
    }

    String logDir() {
        return sandbox.logDir();
    }

    void notice(String line) {
        options().notices().accept(line);
    }

    // ---- Commands

    @Override
    public CommandHandle start(String command, RunOptions options) {
        if (closed) throw new SandboxException("the sandbox " + sandbox.describe() + " is closed");
        if (options == null) throw new IllegalArgumentException("options must not be null (use RunOptions.background())");
        if (options.stdin()) throw new SandboxException("HopX gives background commands no stdin: start it without stdin");
        String line = options.argv() != null ? shellWords(options.argv()) : command;
        if (line == null || line.isBlank()) throw new IllegalArgumentException("command must not be empty");
        String label = command == null || command.isBlank() ? line : command;
        if (options.name() != null) {
            CommandHandle same = byId.get(options.name());
            if (same != null && !same.state().isFinal()) {
                throw new SandboxException("name '" + options.name() + "' is already used by a running process (pid " + same.pid() + ")");
            }
        }
        String key = HexFormat.of().formatHex(bytes(6));
        Long timeout = options.timeout() == null ? null : Math.max(1, (options.timeout().toMillis() + 999) / 1000);
        Meta meta = new Meta(options.name(), label, options.cwd(), options.env(), options.tag(), timeout, Instant.now().toString());
        Map<String, String> env = new LinkedHashMap<>(options.env());
        env.put("JBOX_D", logDir() + "/" + key);
        env.put("JBOX_C", line);
        env.put("JBOX_T", timeout == null ? "" : String.valueOf(timeout));
        env.put("JBOX_M", meta.encode());
        long hopxTimeout = timeout == null ? NO_TIMEOUT_SECONDS : timeout + TIMEOUT_MARGIN_SECONDS;
        BackgroundStarted s;
        try {
            s = agent().background(Scripts.START, env, options.cwd(), hopxTimeout, options.name());
        } catch (SandboxException e) {
            throw new SandboxException("cannot start '" + shorten(label) + "': " + e.getMessage(), e);
        }
        String id = options.name() != null ? options.name() : s.processId();
        ProcessState state = HopxWire.QUEUED.equals(s.status()) ? ProcessState.QUEUED : ProcessState.RUNNING;
        HopxCommandHandle h = new HopxCommandHandle(this, key, id, s.processId(), meta, s.pid() == null ? -1 : s.pid(), state,
                s.status() == null ? HopxWire.RUNNING : s.status());
        byKey.put(key, h);
        byId.put(id, h);
        // Its end is followed whether or not anyone subscribes; a subscriber that comes at once (as %bg's does) is
        // followed by the poll that starts now, without a quiet one first.
        background.schedule(() -> poller.watch(h), WATCH_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        return h;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** An argv as one bash command line: every word single-quoted. */
    static String shellWords(List<String> argv) {
        StringBuilder b = new StringBuilder();
        for (String w : argv) {
            if (b.length() > 0) b.append(' ');
            b.append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }

    @Override
    public List<ProcessInfo> list() {
        String text = agent().script("process listing", Scripts.LIST, Map.of("JBOX_ROOT", logDir()), Duration.ZERO);
        Map<String, ProcessEntry> hopx = new LinkedHashMap<>();
        for (ProcessEntry e : agent().processes().processes()) if (e.processId() != null) hopx.put(e.processId(), e);
        Map<String, Long> sizes = new HashMap<>();
        List<String[]> rows = new ArrayList<>();
        for (String l : text.split("\n")) {
            String[] w = l.split(" ");
            if (w[0].equals("S") && w.length == 3) sizes.put(w[1], PollReport.number(w[2], 0));
            else if (w[0].equals("C") && w.length >= 8) rows.add(w);
        }
        List<ProcessInfo> out = new ArrayList<>();
        java.util.Set<String> ours = new java.util.HashSet<>();
        for (HopxCommandHandle h : byKey.values()) if (h.processId() != null) ours.add(h.processId());
        // Commands this session started whose wrapper has not written its directory yet (a moment after HopX's answer)
        java.util.Set<String> unlisted = new java.util.HashSet<>(byKey.keySet());
        for (String[] w : rows) {
            String key = w[1];
            unlisted.remove(key);
            HopxCommandHandle known = byKey.get(key);
            String hopxId = known != null && known.processId() != null ? known.processId() : w[6].equals("-") ? null : w[6];
            if (hopxId != null) ours.add(hopxId);
            ProcessEntry entry = hopxId == null ? null : hopx.get(hopxId);
            if (known != null) {
                if (entry != null) known.backendState(entry.status());
                out.add(known.info());
                continue;
            }
            Meta meta = Meta.decode(w[7]);
            if (meta == null) continue; // not one of jbox's (or written by an incompatible version)
            out.add(recorded(key, w, meta, hopxId, entry, sizes));
        }
        for (String key : unlisted) {
            HopxCommandHandle h = byKey.get(key);
            if (h != null) out.add(h.info());
        }
        for (ProcessEntry e : hopx.values()) {
            if (!ours.contains(e.processId())) out.add(ListedProcess.info(e));
        }
        out.sort(Comparator.comparing(p -> p.startedAt() == null ? Instant.EPOCH : p.startedAt()));
        return out;
    }

    /** A command a session started earlier, as its directory in the sandbox and HopX's list describe it. */
    private ProcessInfo recorded(String key, String[] w, Meta meta, String hopxId, ProcessEntry entry, Map<String, Long> sizes) {
        Integer exit = w[2].equals("-") ? null : (int) PollReport.number(w[2], -1);
        long endMs = PollReport.number(w[3], -1);
        int alive = (int) PollReport.number(w[5], 2);
        String hopxState = entry == null ? null : entry.status();
        ProcessState state;
        if (exit != null) state = exitState(exit, meta, endMs, hopxState);
        else if (alive == 1) state = ProcessState.RUNNING;
        else if (alive == 2) state = ProcessState.QUEUED;
        else state = hopxState == null ? ProcessState.FAILED : ListedProcess.state(hopxState, entry.exitCode());
        if (exit == null && entry != null && state.isFinal()) exit = entry.exitCode();
        Instant started = meta.startedAt() == null ? null : Instant.parse(meta.startedAt());
        Instant ended = endMs > 0 ? Instant.ofEpochMilli(endMs) : null;
        return new ProcessInfo(idOf(key, meta, hopxId), meta.name(), PollReport.number(w[4], -1), meta.command(), meta.cwd(),
                meta.env() == null ? Map.of() : meta.env(), state, exit, started, ended, sizes.getOrDefault(key + "/out", 0L),
                sizes.getOrDefault(key + "/err", 0L), meta.tag(), hopxState, null);
    }

    private static ProcessState exitState(int exit, Meta meta, long endMs, String hopxState) {
        if (HopxWire.KILLED.equals(hopxState)) return ProcessState.KILLED;
        if (meta.timeoutSeconds() != null && (exit == 124 || exit == 137) && endMs > 0 && meta.startedAt() != null
                && endMs - Instant.parse(meta.startedAt()).toEpochMilli() >= meta.timeoutSeconds() * 1000 - 500) {
            return ProcessState.TIMED_OUT;
        }
        return exit == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
    }

    private static String idOf(String key, Meta meta, String hopxId) {
        if (meta.name() != null) return meta.name();
        return hopxId != null ? hopxId : "hx-" + key;
    }

    @Override
    public Optional<CommandHandle> get(String id) {
        CommandHandle h = byId.get(id);
        if (h != null) return Optional.of(h);
        String text = agent().script("process listing", Scripts.LIST, Map.of("JBOX_ROOT", logDir()), Duration.ZERO);
        for (String l : text.split("\n")) {
            String[] w = l.split(" ");
            if (!w[0].equals("C") || w.length < 8) continue;
            Meta meta = Meta.decode(w[7]);
            String hopxId = w[6].equals("-") ? null : w[6];
            if (meta == null || !(id.equals(idOf(w[1], meta, hopxId)) || id.equals(hopxId))) continue;
            return Optional.of(attach(w, meta, hopxId));
        }
        for (ProcessEntry e : agent().processes().processes()) {
            if (id.equals(e.processId()) || id.equals(e.name())) {
                CommandHandle listed = new ListedProcess(this, e);
                CommandHandle prev = byId.putIfAbsent(e.processId(), listed);
                return Optional.of(prev != null ? prev : listed);
            }
        }
        return Optional.empty();
    }

    /** A handle on a command an earlier session started: followed from now on, its whole log readable. */
    private CommandHandle attach(String[] w, Meta meta, String hopxId) {
        HopxCommandHandle known = byKey.get(w[1]);
        if (known != null) return known;
        ProcessInfo info = recorded(w[1], w, meta, hopxId, null, Map.of());
        HopxCommandHandle h = new HopxCommandHandle(this, w[1], info.id(), hopxId, meta, info.pid(),
                info.state().isFinal() ? ProcessState.RUNNING : info.state(), null);
        HopxCommandHandle prev = byKey.putIfAbsent(w[1], h);
        if (prev != null) return prev;
        byId.put(h.id(), h);
        if (info.state().isFinal()) h.ended(info);
        else poller.watch(h);
        return h;
    }

    @Override
    public boolean kill(String id) {
        return get(id).orElseThrow(() -> new UnknownProcessException(id)).kill();
    }

    // ---- for handles

    LogRead read(String key, StreamKind stream, long offset, int maxBytes) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JBOX_ROOT", logDir());
        env.put("JBOX_K", key);
        env.put("JBOX_S", stream == StreamKind.STDOUT ? "out" : "err");
        env.put("JBOX_O", String.valueOf(offset));
        env.put("JBOX_N", String.valueOf(maxBytes));
        String text = agent().script("log read", Scripts.READ, env, Duration.ZERO);
        String[] lines = text.split("\n", -1);
        if (lines[0].equals("!")) return new LogRead(stream, offset, new byte[0], 0, 0); // not started yet
        long size = PollReport.number(lines[0], 0);
        byte[] bytes = lines.length > 1 && !lines[1].isBlank() ? Base64.getDecoder().decode(lines[1].strip()) : new byte[0];
        return new LogRead(stream, Math.min(offset, size), bytes, 0, size);
    }

    void signal(HopxCommandHandle h, Signal signal, Duration grace) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JBOX_ROOT", logDir());
        env.put("JBOX_K", h.key());
        env.put("JBOX_SIG", signal.name());
        env.put("JBOX_GRACE", String.valueOf(grace.toSeconds()));
        agent().script("signal " + signal, Scripts.SIGNAL, env, grace.plusSeconds(1));
    }

    /** A command ended: no more polling; HopX's final state name is fetched in the background. */
    void ended(HopxCommandHandle h) {
        poller.unwatch(h);
        if (h.processId() == null || closed) return;
        background.execute(() -> {
            for (int i = 0; i < 20 && !closed; i++) {
                try {
                    for (ProcessEntry e : agent().processes().processes()) {
                        if (h.processId().equals(e.processId()) && e.status() != null) {
                            h.backendState(e.status());
                            if (ListedProcess.state(e.status(), e.exitCode()).isFinal()) return;
                        }
                    }
                    Thread.sleep(100L << Math.min(i, 4)); // HopX may take a moment to see the wrapper end
                } catch (SandboxException e) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** The wrapper ended without writing an exit code (HopX or someone killed it): HopX's list says how it ended. */
    void resolveGone(HopxCommandHandle h) {
        background.execute(() -> {
            ProcessEntry entry = null;
            try {
                if (h.processId() != null) {
                    for (ProcessEntry e : agent().processes().processes()) if (h.processId().equals(e.processId())) entry = e;
                }
            } catch (SandboxException e) {
                // the reason below says what is known
            }
            if (entry != null) h.backendState(entry.status());
            h.finish(entry == null ? null : entry.exitCode(), "its wrapper ended without an exit code"
                    + (entry == null ? " and HopX lists no such process" : " (HopX: " + entry.status() + ")"));
        });
    }

    /**
     * Stops following. Commands still running end for good if {@code deleted} (their sandbox goes with them);
     * otherwise they keep running in the sandbox, and whoever waits on them here is told so.
     */
    void close(boolean deleted) {
        closed = true;
        poller.close();
        background.shutdownNow();
        for (HopxCommandHandle h : byKey.values()) {
            if (h.ended()) continue;
            if (deleted) h.sandboxDeleted();
            else h.fail(new SandboxException("this session let go of HopX sandbox " + sandbox.id() + "; " + h.id() + " keeps running there"));
        }
    }

    /** A command line short enough for a message. */
    static String shorten(String s) {
        if (s == null) return "";
        String one = s.replace('\n', ' ').strip();
        return one.length() <= 60 ? one : one.substring(0, 59) + "…";
    }
}
