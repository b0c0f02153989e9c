package dev.jbox.client.local;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.Commands;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;
import dev.jbox.client.UnknownProcessException;
import dev.jbox.client.log.ProcessLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of one {@link LocalSandbox}: ids, names, starting, listing. Ids are {@code p1, p2, ...} or the
 * name given in {@link RunOptions#name}; a name is unique among running processes (an ended process's name
 * may be reused, and {@link #get} then finds the newest one).
 */
final class LocalCommands implements Commands {

    private final LocalSandbox sandbox;
    private final List<LocalProcess> all = new ArrayList<>();          // guarded by this, oldest first
    private final Map<String, LocalProcess> byId = new LinkedHashMap<>(); // guarded by this, newest per id
    private int counter;                                                 // guarded by this: every process
    private int autoIds;                                                 // guarded by this: p1, p2, ...
    private boolean closed;                                              // guarded by this

    LocalCommands(LocalSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public CommandHandle start(String command, RunOptions options) {
        if (options == null) throw new IllegalArgumentException("options must not be null (use RunOptions.background())");
        if (command == null) throw new IllegalArgumentException("command must not be null");
        if (options.argv() == null && command.isBlank()) throw new IllegalArgumentException("command must not be empty");
        for (Map.Entry<String, String> e : options.env().entrySet()) {
            if (e.getKey().indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable '" + e.getKey().replace('\0', '?') + "' contains a NUL character");
            }
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

        LocalProcess p;
        synchronized (this) {
            if (closed) throw new SandboxException("the sandbox is closed");
            String id = options.name() != null ? options.name() : nextId();
            LocalProcess same = byId.get(id);
            if (same != null && same.isRunning()) {
                throw new SandboxException("name '" + id + "' is already used by a running process (pid " + same.pid() + ")");
            }
            int seq = ++counter;
            Path base = sandbox.stateDir().resolve(seq + "-" + id);
            ProcessLog out = ProcessLog.open(StreamKind.STDOUT, base.resolveSibling(base.getFileName() + ".out"),
                    sandbox.options().logCapBytes(), ProcessLog.DEFAULT_TAIL_BYTES);
            ProcessLog err = ProcessLog.open(StreamKind.STDERR, base.resolveSibling(base.getFileName() + ".err"),
                    sandbox.options().logCapBytes(), ProcessLog.DEFAULT_TAIL_BYTES);
            p = new LocalProcess(id, options.name(), label, dir.toString(), options.env(), options.tag(), options.timeout(),
                    options.stdin(), sandbox.options().killGrace(), out, err);
            all.add(p);
            byId.put(id, p);
        }
        p.launch(launch.argv(), environment, launch.ownSession(), cookie);
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
            all.remove(p);
            byId.remove(id);
        }
        p.closeLogs(true);
        return true;
    }

    /** Refuses new commands and returns every process (for shutting down). */
    synchronized List<LocalProcess> closeAndList() {
        closed = true;
        return new ArrayList<>(all);
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
