package dev.jbox.client.local;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.Commands;
import dev.jbox.client.CrashPolicy;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.UnknownProcessException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The embedded sandbox: commands run on this machine, each in a session of its own so that its whole tree can be
 * signalled, forked by a small supervisor process (see {@link Supervisor}) and writing their output straight into
 * log files in the state directory. So a command does not depend on this JVM: if the JVM dies without closing
 * the sandbox, its commands keep running and logging (or are killed, see {@link LocalOptions#onCrash}), and a
 * sandbox opened later with the same {@link LocalOptions#session} adopts them. Closing the sandbox (or the JVM
 * exiting normally) kills every process tree it still runs.
 *
 * <pre>{@code
 * try (Sandbox sb = new LocalSandbox(LocalOptions.defaults())) {
 *     System.out.println(sb.commands().run("uname -a").stdout());
 * }
 * for (ProcessInfo p : LocalSandbox.orphans(null)) System.out.println(p.adoptedFrom() + "/" + p.id());
 * }</pre>
 */
public final class LocalSandbox implements Sandbox {

    private static final System.Logger LOG = System.getLogger("jbox.sandbox");
    /** Retention runs at open and then at most this often, when commands end. */
    private static final long RETENTION_EVERY_NANOS = TimeUnit.MINUTES.toNanos(10);
    /** Open sandboxes of this JVM, for {@link #abandonAll()}. */
    private static final Set<LocalSandbox> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final LocalOptions options;
    private final StateDir state;
    private final LocalCommands commands;
    private final Thread shutdownHook;
    private volatile CrashPolicy crashPolicy;
    private volatile long lastRetention;
    private boolean closed; // guarded by this

    public LocalSandbox(LocalOptions options) {
        if (options == null) throw new IllegalArgumentException("options must not be null (use LocalOptions.defaults())");
        if (options.workDir() == null) throw new IllegalArgumentException("workDir must not be null");
        Path work = options.workDir().toAbsolutePath().normalize();
        if (!Files.isDirectory(work)) throw new SandboxException("working directory " + work + " does not exist");
        this.options = options.workDir(work);
        this.state = StateDir.create(stateRoot(options), options.session());
        this.commands = new LocalCommands(this, state);
        this.crashPolicy = options.onCrash();
        if (crashPolicy != CrashPolicy.KEEP) commands.currentSupervisor().policy(crashPolicy);
        this.shutdownHook = new Thread(() -> shutdown(true), "jbox-sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        OPEN.add(this);
        if (options.session() != null) {
            for (StateDir dead : StateDir.dead(state.root(), options.session())) adoptAll(dead);
        }
        lastRetention = System.nanoTime();
        Thread retention = new Thread(this::applyRetention, "jbox-retention");
        retention.setDaemon(true);
        retention.start();
    }

    /** The state root these options name: the given one, else the default (see {@link LocalOptions#stateDir}). */
    public static Path stateRoot(LocalOptions options) {
        return (options.stateDir() != null ? options.stateDir() : StateDir.defaultRoot(System.getenv())).toAbsolutePath().normalize();
    }

    @Override
    public Commands commands() {
        return commands;
    }

    @Override
    public String describe() {
        return "local (" + options.workDir() + ")";
    }

    public LocalOptions options() {
        return options;
    }

    /** Where this sandbox's records and logs are: {@code ROOT/sandboxes/SESSION/INSTANCE}. */
    public Path stateDir() {
        return state.dir();
    }

    /** {@code SESSION/INSTANCE}, as {@link ProcessInfo#adoptedFrom()} names a sandbox. */
    public String sessionName() {
        return state.sessionName();
    }

    /** What happens to the commands if this JVM dies without closing the sandbox. */
    public CrashPolicy crashPolicy() {
        return crashPolicy;
    }

    /** Changes the crash policy from now on (the supervisor applies it when the JVM dies). */
    public void crashPolicy(CrashPolicy policy) {
        if (policy == null) throw new IllegalArgumentException("policy must not be null");
        crashPolicy = policy;
        Supervisor s = commands.currentSupervisor();
        if (s != null) s.policy(policy);
    }

    /** The argv a command was executed with (for an agent that lists what it runs), if it is one of this sandbox's. */
    public java.util.Optional<List<String>> argv(String id) {
        return commands.get(id).map(h -> ((LocalProcess) h).argv());
    }

    // ---- orphans and adoption -----------------------------------------------------------------------------------

    /**
     * Commands that dead sandboxes left and nobody adopted, under the state root {@code root} (null: the default):
     * running ones, and ones that ended while nobody watched. Each is named by {@link ProcessInfo#adoptedFrom()}
     * (its sandbox, {@code SESSION/INSTANCE}) and {@link ProcessInfo#id()}.
     */
    public static List<ProcessInfo> orphans(Path root) {
        Path r = root != null ? root.toAbsolutePath().normalize() : StateDir.defaultRoot(System.getenv());
        List<ProcessInfo> out = new ArrayList<>();
        for (StateDir dead : StateDir.dead(r, null)) {
            for (ProcessRecord rec : dead.records()) {
                if (rec.processState().isFinal() || !StateLocks.isFree(dead.lockFile(), rec.seq())) continue;
                out.add(Orphans.info(dead, rec));
            }
        }
        return out;
    }

    /**
     * Every command recorded under the state root {@code root} (null: the default), of live and dead sandboxes alike,
     * as its record, exit file and /proc show it now; {@link ProcessInfo#adoptedFrom()} names its sandbox
     * ({@code SESSION/INSTANCE}). For {@code jbox ps}.
     */
    public static List<ProcessInfo> recorded(Path root) {
        Path r = root != null ? root.toAbsolutePath().normalize() : StateDir.defaultRoot(System.getenv());
        List<ProcessInfo> out = new ArrayList<>();
        for (StateDir d : StateDir.all(r)) {
            for (ProcessRecord rec : d.records()) out.add(Orphans.info(d, rec));
        }
        return out;
    }

    /**
     * True if a dead sandbox of {@code options}' session left commands (running, or ended while nobody watched)
     * that a sandbox opened with these options would adopt. Cheap when there are none.
     */
    public static boolean leftBehind(LocalOptions options) {
        if (options.session() == null) return false;
        for (StateDir dead : StateDir.dead(stateRoot(options), options.session())) {
            for (ProcessRecord rec : dead.records()) {
                if (!rec.processState().isFinal() && StateLocks.isFree(dead.lockFile(), rec.seq())) return true;
            }
        }
        return false;
    }

    /**
     * Adopts the orphan {@code id} of the dead sandbox {@code session} ({@code SESSION/INSTANCE}, as
     * {@link #orphans} names it): from now on it is one of this sandbox's commands (under another id if its own is
     * taken here), and this sandbox's crash policy and close apply to it.
     */
    public CommandHandle adopt(String session, String id) {
        StateDir from = orphanDir(session);
        for (ProcessRecord rec : from.records()) {
            if (!rec.id().equals(id)) continue;
            LocalProcess p = commands.adopt(from, rec);
            if (p == null) throw new SandboxException("'" + session + "/" + id + "' is not an orphan: it ended, or another sandbox adopted it");
            return p;
        }
        throw new UnknownProcessException(session + "/" + id);
    }

    /** Adopts every orphan under this sandbox's state root; returns the handles. */
    public List<CommandHandle> adoptAll() {
        List<CommandHandle> out = new ArrayList<>();
        for (StateDir dead : StateDir.dead(state.root(), null)) out.addAll(adoptAll(dead));
        return out;
    }

    private List<CommandHandle> adoptAll(StateDir dead) {
        List<CommandHandle> out = new ArrayList<>();
        List<ProcessRecord> records = dead.records();
        if (dead.key().equals(state.key())) commands.reserveIds(records); // the session's p1, p2, ... go on where they were
        for (ProcessRecord rec : records) {
            LocalProcess p = commands.adopt(dead, rec);
            if (p != null) out.add(p);
        }
        return out;
    }

    private StateDir orphanDir(String session) {
        if (session == null || !session.matches("[A-Za-z0-9._-]+/[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("bad session '" + session + "': expected SESSION/INSTANCE as orphans() names it");
        }
        Path dir = StateDir.sandboxes(state.root()).resolve(session);
        if (!Files.isDirectory(dir)) throw new SandboxException("no sandbox '" + session + "' under " + state.root());
        StateDir s = StateDir.existing(dir);
        if (!StateLocks.isFree(s.lockFile(), 0)) throw new SandboxException("sandbox '" + session + "' is alive: its commands are not orphans");
        return s;
    }

    // ---- closing ------------------------------------------------------------------------------------------------

    @Override
    public void close() {
        shutdown(true);
        removeHook();
    }

    /**
     * Lets go of the sandbox without ending its commands, exactly as if this JVM had died: they are left to the
     * crash policy (kept running, or killed by the supervisor), and a later sandbox of the same session adopts the
     * ones that run. For a process that ends on purpose "as a crash would", e.g. a kernel whose frontend died.
     */
    public void abandon() {
        shutdown(false);
        removeHook();
    }

    /**
     * {@link #abandon()} for every local sandbox open in this JVM: what a process calls before it exits on purpose
     * "as a crash would" (a kernel whose frontend died), so that its normal shutdown, closing included, leaves the
     * commands to the crash policy instead of killing them.
     */
    public static void abandonAll() {
        for (LocalSandbox s : List.copyOf(OPEN)) s.abandon();
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook runs (or ran) anyway
        }
    }

    private void shutdown(boolean clean) {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        OPEN.remove(this);
        List<LocalProcess> processes = commands.closeAndList();
        if (!clean) {
            for (LocalProcess p : processes) p.abandon();
            commands.finish(false);
            releaseLocks(processes);
            return;
        }
        List<ProcessTree.Tree> running = new ArrayList<>();
        List<ProcessTree.Tree> ended = new ArrayList<>();
        for (LocalProcess p : processes) {
            ProcessTree.Tree tree = p.tree();
            if (tree == null) continue;
            if (p.isRunning()) {
                p.markKilled();
                running.add(tree);
            } else {
                ended.add(tree);
            }
        }
        running.addAll(ProcessTree.withLeftovers(ended)); // background children that outlived their command
        if (!running.isEmpty()) ProcessTree.terminate(running, options.killGrace());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (LocalProcess p : processes) {
            try {
                p.ended().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // still not reported after its tree was killed: its logs are closed below anyway
            }
        }
        // Let subscribers receive the rest of the output and their onExit before the logs close.
        long deliveryDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (LocalProcess p : processes) p.awaitFollowers(deliveryDeadline);
        commands.finish(true);
        for (LocalProcess p : processes) p.closeLogs(state.anonymous() && p.adoptedFrom() == null);
        releaseLocks(processes);
        if (state.anonymous()) state.deleteAll();
    }

    private void releaseLocks(List<LocalProcess> processes) {
        Set<Path> files = new HashSet<>();
        for (LocalProcess p : processes) files.add(p.home().lockFile());
        files.add(state.lockFile());
        for (Path f : files) StateLocks.releaseAll(f);
    }

    // ---- retention ----------------------------------------------------------------------------------------------

    /** A command ended: time for retention, if it has not run for a while. */
    void commandEnded() {
        long now = System.nanoTime();
        if (now - lastRetention < RETENTION_EVERY_NANOS) return;
        lastRetention = now;
        LogPoller.SLOW_WORK.execute(this::applyRetention);
    }

    private void applyRetention() {
        StateDir.warmUp();
        try {
            Retention.apply(state.root(), options.retention(), options.retentionBytes(), this);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "log retention under " + state.root() + " failed: " + e);
        }
    }

    LocalCommands localCommands() {
        return commands;
    }

    StateDir state() {
        return state;
    }

    @Override
    public String toString() {
        return describe();
    }
}
