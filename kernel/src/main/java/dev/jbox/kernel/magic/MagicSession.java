package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CrashPolicy;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.local.LocalSandbox;
import dev.jbox.client.remote.E2bOptions;
import dev.jbox.client.remote.hopx.HopxOptions;
import dev.jbox.kernel.deps.Libraries;
import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.eval.Evaluator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The state magics share within one kernel session: the sandbox (created on first use), the environment for
 * new commands, settings, the cell executing now, the {@code %bg} jobs with their pumps, the interrupt
 * flag of the foreground magic ({@code %sh}, {@code %wait}, {@code %logs --follow}, {@code %maven}), and the
 * libraries added with {@code %maven}/{@code %classpath}/{@code %repo}.
 */
public final class MagicSession implements AutoCloseable {

    /** Default per-cell output rate: 256 KB/s. */
    public static final long DEFAULT_RATE = 256 * 1024;

    private static final System.Logger LOG = System.getLogger("jbox.sandbox");

    private final Supplier<Sandbox> sandboxFactory; // used until a SandboxChoice is made
    private volatile SandboxChoice choice; // null when a test gave a plain factory: treated like local
    private volatile LocalOptions local = LocalOptions.defaults(); // how a local sandbox is opened
    private volatile Sandbox sandbox;
    private final Map<String, String> env = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile long rateLimit;
    private volatile CellOutput current;
    private final Map<String, BackgroundJob> jobs = new ConcurrentHashMap<>();
    private final Map<CellOutput, RateLimiter> limiters = Collections.synchronizedMap(new WeakHashMap<>());
    private final Ticker ticker = new Ticker();
    private final MagicRegistry registry = MagicRegistry.standard();
    private volatile Supplier<E2bOptions> e2bDefaults = E2bOptions::fromEnv;
    private volatile Supplier<HopxOptions> hopxDefaults = HopxOptions::fromEnv;
    private volatile boolean foregroundActive;
    private volatile boolean interruptRequested;
    private volatile boolean closed;
    private volatile Evaluator java; // the Java evaluator the magics wrap: libraries go onto its class path
    private Libraries libraries; // created on the first library magic: the resolver loads then, not at startup

    /** A session whose sandbox comes from {@code choice}, opened on first use. */
    public MagicSession(SandboxChoice choice) {
        this(choice, LocalOptions.defaults());
    }

    /** Same, with {@code local} for a local sandbox (its session key, crash policy and retention). */
    public MagicSession(SandboxChoice choice, LocalOptions local) {
        this((Supplier<Sandbox>) null);
        this.choice = choice;
        this.local = local;
    }

    public MagicSession(Supplier<Sandbox> sandboxFactory) {
        this.sandboxFactory = sandboxFactory;
        String fromEnv = System.getenv("JBOX_RATE_LIMIT");
        long rate = DEFAULT_RATE;
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                rate = ByteSizes.parse(fromEnv);
            } catch (IllegalArgumentException e) {
                System.err.println("jbox: ignoring JBOX_RATE_LIMIT: " + e.getMessage());
            }
        }
        this.rateLimit = rate;
    }

    /** The session's sandbox, created on first use. */
    public Sandbox sandbox() {
        Sandbox s = sandbox;
        if (s != null) return s;
        synchronized (this) {
            if (closed) throw new IllegalStateException("the session is closed");
            if (sandbox == null) sandbox = choice != null ? choice.open(this::notice, local) : sandboxFactory.get();
            return sandbox;
        }
    }

    /**
     * Opens the sandbox now on a thread of its own when it is local and a dead kernel of this session left
     * processes behind, so that they are adopted (watched, under this kernel's crash policy) before any magic asks,
     * without delaying the first request.
     */
    void adoptInBackground() {
        SandboxChoice c = choice;
        if (c == null || c.kind() != SandboxChoice.Kind.LOCAL || !LocalSandbox.leftBehind(local)) return;
        Thread t = new Thread(() -> {
            try {
                sandbox();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "adopting the processes of the previous kernel failed: " + e.getMessage());
            }
        }, "jbox-adopt");
        t.setDaemon(true);
        t.start();
    }

    /** Whether the session's sandbox is (or will be, when opened) the local one. */
    boolean isLocal() {
        SandboxChoice c = choice;
        return c == null || c.kind() == SandboxChoice.Kind.LOCAL;
    }

    /** The local sandbox, if that is the session's sandbox and it is open. */
    Optional<LocalSandbox> localSandbox() {
        return sandbox instanceof LocalSandbox l ? Optional.of(l) : Optional.empty();
    }

    /** The state root of local sandboxes (where orphans are found). */
    java.nio.file.Path stateRoot() {
        return LocalSandbox.stateRoot(local);
    }

    CrashPolicy crashPolicy() {
        return local.onCrash();
    }

    /**
     * From now on, for the open local sandbox and any opened later. Synchronized with {@link #sandbox()}: a sandbox
     * that the magics' warm-up is opening right now (with the old options) gets the new policy once it is open.
     */
    synchronized void crashPolicy(CrashPolicy policy) {
        local = local.onCrash(policy);
        localSandbox().ifPresent(l -> l.crashPolicy(policy));
    }

    boolean sandboxStarted() {
        return sandbox != null;
    }

    /** The Java evaluator that runs the cells' code (set by {@link MagicEvaluator}). */
    void java(Evaluator evaluator) {
        this.java = evaluator;
    }

    Evaluator java() {
        return java;
    }

    /** The session's libraries, created on first use; the settings file comes from the kernel's environment. */
    synchronized Libraries libraries() {
        if (libraries == null) libraries = new Libraries(entries -> java.addToClassPath(entries), System.getenv());
        return libraries;
    }

    /** What {@code %sandbox e2b} starts from before its options: the provider settings of the environment. */
    E2bOptions e2bDefaults() {
        return e2bDefaults.get();
    }

    /** Replaces {@link #e2bDefaults()} (a contract test points them at a local stand-in for the provider's API). */
    void e2bDefaults(Supplier<E2bOptions> defaults) {
        this.e2bDefaults = defaults;
    }

    /** What {@code %sandbox hopx} starts from before its options: the HopX settings of the environment. */
    HopxOptions hopxDefaults() {
        return hopxDefaults.get();
    }

    /** Replaces {@link #hopxDefaults()} (a contract test points them at a local stand-in for HopX's control API). */
    void hopxDefaults(Supplier<HopxOptions> defaults) {
        this.hopxDefaults = defaults;
    }

    /** How the session's sandbox was chosen, or null if it was given as a plain factory. */
    SandboxChoice choice() {
        return choice;
    }

    /**
     * Switches to the sandbox {@code next} describes, opening it now so that a bad URL or token is reported here.
     * The current sandbox is closed: processes of a local one are killed, which needs {@code force} while some
     * still run; an agent keeps its processes (they are found again by switching back). On any failure the
     * current sandbox stays as it was. A local sandbox opened meanwhile in the background (the magics' warm-up, or
     * adoption at start) is the current one: the switch then starts over with it.
     */
    String switchTo(SandboxChoice next, boolean force) {
        while (true) {
            Sandbox old;
            SandboxChoice oldChoice;
            synchronized (this) {
                if (closed) throw new IllegalStateException("the session is closed");
                old = sandbox;
                oldChoice = choice;
            }
            boolean oldKills = oldChoice == null || oldChoice.killsOnClose();
            if (old != null && oldKills && !force) {
                List<String> running = old.commands().list().stream().filter(p -> !p.state().isFinal()).map(ProcessInfo::id).toList();
                if (!running.isEmpty()) {
                    throw MagicException.failed("%sandbox: " + running.size() + " process" + (running.size() == 1 ? "" : "es")
                            + " still run" + (running.size() == 1 ? "s" : "") + " in " + old.describe() + " (" + String.join(", ", tail(running))
                            + ") and would be killed: %kill them first, or add --force");
                }
            }
            Sandbox opened = next.open(this::notice, local);
            boolean raced;
            synchronized (this) {
                if (closed) {
                    opened.close();
                    throw new IllegalStateException("the session is closed");
                }
                // sandbox() opened the current one meanwhile (the magics' warm-up, or adoption at start, which may
                // hold a dead kernel's processes): decide again with it as the old one
                raced = sandbox != old;
                if (!raced) {
                    sandbox = opened;
                    choice = next;
                }
            }
            if (raced) {
                opened.close();
                continue;
            }
            if (old != null) letGo(old, oldKills, "detached: %sandbox switched to " + next.describe() + "; it keeps running on "
                    + old.describe());
            return "sandbox: " + opened.describe() + (old == null ? "" : " (was " + old.describe()
                    + (oldKills ? "" : "; its processes keep running there") + ")");
        }
    }

    /** A one-line notice of the sandbox (connection lost, restored): into the running cell, else the kernel log. */
    void notice(String line) {
        CellOutput out = current;
        if (out != null) {
            out.stream("stderr", line.endsWith("\n") ? line : line + "\n");
        } else {
            LOG.log(System.Logger.Level.WARNING, line);
        }
    }

    /** Run options for a new command: the session environment plus the given ones. */
    RunOptions baseOptions() {
        synchronized (env) {
            return RunOptions.background().envs(env);
        }
    }

    Map<String, String> env() {
        return env;
    }

    long rateLimit() {
        return rateLimit;
    }

    void rateLimit(long bytesPerSecond) {
        if (bytesPerSecond < 0) throw new IllegalArgumentException("rate must be >= 0");
        rateLimit = bytesPerSecond;
    }

    CellOutput current() {
        return current;
    }

    void enter(CellOutput out) {
        current = out;
    }

    void leave(CellOutput out) {
        if (current == out) current = null;
    }

    MagicRegistry registry() {
        return registry;
    }

    Ticker ticker() {
        return ticker;
    }

    RateLimiter limiterFor(CellOutput out) {
        return limiters.computeIfAbsent(out, o -> new RateLimiter(this::rateLimit, System::nanoTime));
    }

    void addJob(BackgroundJob job) {
        jobs.put(job.handle().id(), job);
    }

    Optional<BackgroundJob> job(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Finds a process by id or name; one clear line when there is none. */
    CommandHandle resolve(String idOrName) {
        Optional<CommandHandle> h = sandbox().commands().get(idOrName);
        if (h.isPresent()) return h.get();
        List<ProcessInfo> all = sandbox().commands().list();
        ProcessInfo byName = null;
        for (ProcessInfo p : all) {
            if (idOrName.equals(p.name()) && (byName == null || !p.state().isFinal())) byName = p;
        }
        if (byName != null) {
            Optional<CommandHandle> n = sandbox().commands().get(byName.id());
            if (n.isPresent()) return n.get();
        }
        List<String> known = all.stream().map(ProcessInfo::id).toList();
        List<String> close = EditDistance.closest(idOrName, known);
        throw MagicException.failed("no process '" + idOrName + "'"
                + (close.isEmpty() ? (known.isEmpty() ? " (none started yet)" : " (known: " + String.join(", ", tail(known)) + ")")
                : " (did you mean " + String.join(", ", close) + "?)"));
    }

    private static List<String> tail(List<String> ids) {
        return ids.size() <= 8 ? ids : ids.subList(ids.size() - 8, ids.size());
    }

    // Foreground interrupt: the control thread only raises a flag; the foreground loop polls it and acts.
    void foregroundStarted() {
        interruptRequested = false;
        foregroundActive = true;
    }

    void foregroundEnded() {
        foregroundActive = false;
        interruptRequested = false;
    }

    boolean interruptRequested() {
        return interruptRequested;
    }

    /** Returns true if a foreground magic takes the interrupt. */
    boolean interruptForeground() {
        if (!foregroundActive) return false;
        interruptRequested = true;
        return true;
    }

    /** Stops pumps and kills every process tree of the sandbox. */
    @Override
    public void close() {
        Sandbox s;
        synchronized (this) {
            closed = true;
            s = sandbox;
            sandbox = null;
        }
        SandboxChoice c = choice;
        if (s != null) letGo(s, c == null || c.killsOnClose(), "detached: the kernel stopped; it keeps running on " + s.describe()
                + " (after a restart, %ps finds it)");
        jobs.clear();
        ticker.close();
        Libraries l;
        synchronized (this) {
            l = libraries;
        }
        if (l != null) l.close();
    }

    /**
     * Closes {@code sb} and the pumps of its {@code %bg} jobs. A sandbox that kills its processes does so first,
     * so their panels show the final state; one that keeps them says so in their panels.
     */
    private void letGo(Sandbox sb, boolean kills, String detachNote) {
        if (kills) sb.close(); // a local sandbox delivers the end of its processes to their pumps before it returns
        for (BackgroundJob j : jobs.values()) {
            try {
                j.subscription().close();
                if (!kills && !j.handle().state().isFinal()) j.panel().detach(detachNote);
            } catch (RuntimeException ignored) {
                // letting go anyway
            }
        }
        jobs.clear();
        if (!kills) sb.close();
    }
}
