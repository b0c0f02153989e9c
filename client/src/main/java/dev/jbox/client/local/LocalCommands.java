package dev.jbox.client.local;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.Commands;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.SandboxException;
import dev.jbox.client.UnknownProcessException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The processes of one {@link LocalSandbox}: ids, names, starting, listing, adopting. Ids are {@code p1, p2, ...}
 * or the name given in {@link RunOptions#name}; a name is unique among running processes (an ended process's
 * name may be reused, and {@link #get} then finds the newest one). Also the {@link Supervisor}'s listener.
 */
final class LocalCommands implements Commands, Supervisor.Listener {

    private static final System.Logger LOG = System.getLogger("jbox.sandbox");

    private final LocalSandbox sandbox;
    private final StateDir state;
    private final List<LocalProcess> all = new ArrayList<>();          // guarded by this, oldest first
    private final Map<String, LocalProcess> byId = new LinkedHashMap<>(); // guarded by this, newest per id
    private final Map<Integer, LocalProcess> bySeq = new ConcurrentHashMap<>(); // started here, until they end
    /** Record writes, in order, off the threads that start and end commands. */
    private final ExecutorService records = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jbox-records");
        t.setDaemon(true);
        return t;
    });
    private volatile Supervisor supervisor;                             // replaced if it dies
    private int counter;                                                 // guarded by this: command numbers
    private int autoIds;                                                 // guarded by this: p1, p2, ...
    private boolean closed;                                              // guarded by this

    LocalCommands(LocalSandbox sandbox, StateDir state) {
        this.sandbox = sandbox;
        this.state = state;
        this.counter = state.lastSeq();
        this.supervisor = Supervisor.start(state.root(), state.dir(), this);
    }

    /**
     * Starts the command. Not interruptible (a round trip to the supervisor): an interrupt stays set for the caller,
     * whose next wait then stops the command; file channels would close themselves under an interrupted thread.
     */
    @Override
    public CommandHandle start(String command, RunOptions options) {
        boolean interrupted = Thread.interrupted();
        try {
            return startUninterrupted(command, options);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private LocalProcess startUninterrupted(String command, RunOptions options) {
        if (options == null) throw new IllegalArgumentException("options must not be null (use RunOptions.background())");
        if (command == null) throw new IllegalArgumentException("command must not be null");
        if (options.argv() == null && command.isBlank()) throw new IllegalArgumentException("command must not be empty");
        for (Map.Entry<String, String> e : options.env().entrySet()) {
            if (e.getKey().indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable '" + e.getKey().replace('\0', '?') + "' contains a NUL character");
            }
        }
        if (options.argv() != null && options.argv().stream().anyMatch(a -> a.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("an argument contains a NUL character");
        }
        Path dir = workingDirectory(options.cwd());
        String label = options.argv() == null ? command : (command.isBlank() ? String.join(" ", options.argv()) : command);
        Map<String, String> environment = new LinkedHashMap<>(System.getenv()); // what the process gets in full
        environment.putAll(sandbox.options().env());
        environment.putAll(options.env());
        String cookie = ProcessTree.newCookie();
        environment.put(ProcessTree.COOKIE_VARIABLE, ProcessTree.cookieValue(environment.get(ProcessTree.COOKIE_VARIABLE), cookie));
        Shell.Launch launch = Shell.launch(command, options.argv(), environment, dir);
        if (launch.plainProgram() != null) Shell.bashEnvironment(environment, dir, launch.plainProgram());
        long graceMs = sandbox.options().killGrace().toMillis();

        LocalProcess p;
        ProcessRecord record;
        synchronized (this) {
            if (closed) throw new SandboxException("the sandbox is closed");
            String id = options.name() != null ? options.name() : nextId();
            LocalProcess same = byId.get(id);
            if (same != null && same.isRunning()) {
                throw new SandboxException("name '" + id + "' is already used by a running process (pid " + same.pid() + ")");
            }
            record = new ProcessRecord(++counter, id, options.name(), label, launch.argv(), dir.toString(), options.env(),
                    options.tag(), options.timeout() == null ? null : LocalProcess.nanos(options.timeout()) / 1_000_000,
                    options.stdin(), Instant.now().toString(), cookie, -1, sandbox.options().logCapBytes(), graceMs,
                    ProcessState.RUNNING.name(), null, null, null);
            p = LocalProcess.starting(this, state, record);
            all.add(p);
            byId.put(id, p);
            bySeq.put(record.seq(), p);
        }
        try {
            // On disk before it exists: whatever happens to this JVM from here on, the command can be found.
            state.write(record);
            supervisor().start(new Supervisor.Start(record.seq(), dir, state.file(record, ".out"), state.file(record, ".err"),
                    record.stdin() ? state.file(record, ".in") : null, state.file(record, ".exit"),
                    record.timeoutMs() == null ? 0 : record.timeoutMs(), graceMs, cookie,
                    launch.argv(), environment));
        } catch (SandboxException e) {
            p.launchFailed(e.getMessage());
        }
        p.awaitLaunch();
        boolean closedMeanwhile;
        synchronized (this) {
            closedMeanwhile = closed;
        }
        if (closedMeanwhile) p.stop(ProcessState.KILLED); // the sandbox closed while this one was starting: no orphan
        return p;
    }

    @Override
    public CommandResult run(String command, RunOptions options) {
        LocalProcess p = (LocalProcess) start(command, options);
        try {
            return p.waitForCaptured();
        } catch (InterruptedException e) {
            p.kill();
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while running '" + command + "'; process " + p.id() + " was killed", e);
        }
    }

    @Override
    public synchronized List<ProcessInfo> list() {
        List<ProcessInfo> infos = new ArrayList<>(all.size());
        for (LocalProcess p : all) infos.add(p.info());
        return infos;
    }

    @Override
    public synchronized Optional<CommandHandle> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public boolean kill(String id) {
        LocalProcess p;
        synchronized (this) {
            p = byId.get(id);
        }
        if (p == null) throw new UnknownProcessException(id);
        return p.kill();
    }

    @Override
    public boolean forget(String id) {
        LocalProcess p;
        synchronized (this) {
            p = byId.get(id);
            if (p == null || p.isRunning()) return false;
        }
        forget(p);
        return true;
    }

    // ---- adoption -----------------------------------------------------------------------------------------------

    /**
     * Takes over a command of a dead sandbox whose record is {@code r} in {@code from}, if nobody else owns it.
     * Returns null if another sandbox holds it, or it had been seen to end.
     */
    LocalProcess adopt(StateDir from, ProcessRecord r) {
        if (r.processState().isFinal() || !StateLocks.tryLock(from.lockFile(), r.seq())) return null;
        LocalProcess p;
        synchronized (this) {
            if (closed) {
                StateLocks.release(from.lockFile(), r.seq());
                throw new SandboxException("the sandbox is closed");
            }
            String id = r.id();
            for (int n = 2; byId.containsKey(id); n++) id = r.id() + "-" + n; // ids stay unique in this sandbox
            p = LocalProcess.adopted(this, from, r, sandbox.options().killGrace(), id);
            all.add(p);
            byId.put(id, p);
        }
        if (p.isRunning()) {
            try {
                supervisor().watch(p.pid(), p.cookie());
            } catch (SandboxException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot hand " + p.id() + " to the crash policy: " + e.getMessage());
            }
        }
        return p;
    }

    /** New ids {@code p1, p2, ...} start after the highest of these records (a dead sandbox of the same session). */
    synchronized void reserveIds(List<ProcessRecord> records) {
        for (ProcessRecord r : records) {
            if (r.id().matches("p\\d{1,9}")) autoIds = Math.max(autoIds, Integer.parseInt(r.id().substring(1)));
        }
    }

    /** An adopted command ended: the crash policy no longer covers its tree (its pid may be reused). */
    void ended(LocalProcess p) {
        Supervisor s = supervisor;
        if (s != null && p.pid() > 0) {
            try {
                s.unwatch(p.cookie());
            } catch (SandboxException e) {
                // the supervisor is gone, and its watch list with it
            }
        }
    }

    // ---- for processes ------------------------------------------------------------------------------------------

    /** Writes the command's record as it stands now (after its start, at its end), in order, off this thread. */
    void recordChanged(LocalProcess p) {
        try {
            records.execute(() -> {
                try {
                    p.home().write(p.record());
                } catch (SandboxException e) {
                    LOG.log(System.Logger.Level.WARNING, e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            p.home().write(p.record()); // closing: write it here
        }
    }

    /** The command's stdin writer closed: let its supervisor close its end too, so the command reads EOF. */
    void closeStdin(LocalProcess p) {
        if (p.adoptedFrom() == null) {
            try {
                supervisor().closeStdin(p.seq());
            } catch (SandboxException e) {
                // no supervisor, no writer left: the command reads EOF already
            }
            return;
        }
        tellItsSupervisor(p, "close-stdin " + p.seq());
    }

    /** This sandbox is about to end the command: its supervisor records why in the exit file, should this JVM die. */
    void stopping(LocalProcess p, ProcessState reason) {
        String why = reason == ProcessState.TIMED_OUT ? "timedout" : "killed";
        if (p.adoptedFrom() != null) {
            tellItsSupervisor(p, "reason " + p.seq() + " " + why);
            return;
        }
        Supervisor s = supervisor;
        if (s == null) return;
        try {
            s.reason(p.seq(), why);
        } catch (SandboxException e) {
            // gone: it records nothing more anyway
        }
    }

    /** A line for the supervisor of an adopted command (another sandbox's): through its FIFO {@code ctl}. */
    private static void tellItsSupervisor(LocalProcess p, String line) {
        Path ctl = p.home().dir().resolve("ctl");
        if (!Files.exists(ctl)) return; // its supervisor is gone
        try (FileChannel f = FileChannel.open(ctl, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot tell the supervisor of " + p.id() + " '" + line + "': " + e.getMessage());
        }
    }

    private Supervisor supervisor() {
        Supervisor s = supervisor;
        if (s != null) return s;
        synchronized (this) {
            if (supervisor == null) {
                if (closed) throw new SandboxException("the sandbox is closed");
                supervisor = Supervisor.start(state.root(), state.dir(), this);
                if (sandbox.crashPolicy() != null) supervisor.policy(sandbox.crashPolicy());
                for (LocalProcess p : all) {
                    if (p.isRunning() && p.adoptedFrom() != null) supervisor.watch(p.pid(), p.cookie());
                }
            }
            return supervisor;
        }
    }

    Supervisor currentSupervisor() {
        return supervisor;
    }

    // ---- Supervisor.Listener ------------------------------------------------------------------------------------

    @Override
    public void started(int seq, long pid) {
        LocalProcess p = bySeq.get(seq);
        if (p != null) p.launched(pid);
    }

    @Override
    public void failed(int seq, String message) {
        LocalProcess p = bySeq.remove(seq);
        if (p != null) p.launchFailed(message);
    }

    @Override
    public void exited(int seq, int code, int signal, String reason) {
        LocalProcess p = bySeq.remove(seq);
        if (p != null) p.exited(code, signal, reason);
        sandbox.commandEnded();
    }

    @Override
    public void lost(String why) {
        LOG.log(System.Logger.Level.WARNING, why + "; its running commands are watched through their process trees");
        synchronized (this) {
            supervisor = null;
        }
        for (LocalProcess p : new ArrayList<>(bySeq.values())) p.supervisorLost();
        bySeq.clear();
    }

    // ---- closing ------------------------------------------------------------------------------------------------

    /** Refuses new commands and returns every process (for shutting down). */
    synchronized List<LocalProcess> closeAndList() {
        closed = true;
        return new ArrayList<>(all);
    }

    /** Every process, for retention and listing. */
    synchronized List<LocalProcess> snapshot() {
        return new ArrayList<>(all);
    }

    /** Drops an ended process and deletes its files (after its last record write, which may still be queued). */
    void forget(LocalProcess p) {
        synchronized (this) {
            all.remove(p);
            if (byId.get(p.id()) == p) {
                byId.remove(p.id());
                for (int i = all.size() - 1; i >= 0; i--) {
                    if (all.get(i).id().equals(p.id())) {
                        byId.put(p.id(), all.get(i));
                        break;
                    }
                }
            }
        }
        p.closeLogs(true);
        Runnable delete = () -> p.home().delete(p.record());
        try {
            records.submit(delete).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            delete.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delete.run();
        }
    }

    /** Writes what is pending and ends the supervisor: after a clean close with {@code quit}, else as after a crash. */
    void finish(boolean clean) {
        records.shutdown();
        try {
            records.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Supervisor s = supervisor;
        if (s == null) return;
        if (clean) {
            s.quit();
            s.awaitExit(3000);
        } else {
            s.abandon();
        }
    }

    private String nextId() {
        for (;;) {
            String id = "p" + (++autoIds);
            if (!byId.containsKey(id)) return id;
        }
    }

    private Path workingDirectory(String cwd) {
        Path base = sandbox.options().workDir();
        Path dir = cwd == null ? base : base.resolve(cwd);
        dir = dir.toAbsolutePath().normalize();
        if (!Files.exists(dir)) throw new SandboxException("working directory " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new SandboxException("working directory " + dir + " is not a directory");
        return dir;
    }
}
