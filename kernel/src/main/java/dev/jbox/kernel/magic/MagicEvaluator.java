package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Subscription;
import dev.jbox.kernel.deps.Coordinates;
import dev.jbox.kernel.deps.Libraries;
import dev.jbox.kernel.deps.Requested;
import dev.jbox.kernel.deps.ResolutionException;
import dev.jbox.kernel.deps.TransferProgress;
import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.eval.Completeness;
import dev.jbox.kernel.eval.Completion;
import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.Inspection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The kernel's evaluator with magics: runs {@code %name}/{@code %%name}/{@code !cmd} itself and passes Java to
 * the wrapped evaluator. Owns the session's sandbox and its background jobs (see {@link CellSplitter} for how a
 * cell is split).
 *
 * <pre>{@code
 * Evaluator ev = new MagicEvaluator(new JShellEvaluator(...));   // sandbox: Sandbox.local()
 * ev.evaluate("%bg --name web python3 -m http.server 8000", cellOutput);
 * }</pre>
 */
public final class MagicEvaluator implements Evaluator {

    /** The import that gives notebook code {@code jobs()} and {@code sandbox()}. */
    public static final String SESSION_IMPORT = "import static dev.jbox.kernel.magic.SessionApi.*;";

    /** How long no cell must have run before a step of the warm-up (see {@link #warmUpInBackground}). */
    private static final long WARM_UP_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final Pattern MAGIC_PREFIX = Pattern.compile("(%%?)([\\w-]*)");
    private static final Pattern MAGIC_WITH_ARGS = Pattern.compile("%%?([\\w-]+)\\??(\\s.*)?");

    private final Evaluator delegate;
    private final MagicSession session;
    private final CellSplitter splitter;
    /** The first cell ended (see {@link #warmUpInBackground}). */
    private final CountDownLatch firstCellDone = new CountDownLatch(1);
    private volatile boolean cellRunning;
    private volatile long lastCellEnd = System.nanoTime();
    /** What the first cell shows and runs of {@link #addStartupLibraries}: a failure notice, set-up code. */
    private volatile String startupNotice;
    private volatile Libraries.Plan startupPlan;

    /** Wraps {@code delegate}; processes run in {@link Sandbox#local()}, created on first use. */
    public MagicEvaluator(Evaluator delegate) {
        this(delegate, Sandbox::local);
    }

    public MagicEvaluator(Evaluator delegate, Supplier<Sandbox> sandboxFactory) {
        this(delegate, new MagicSession(sandboxFactory));
    }

    /** Wraps {@code delegate}; processes run in the sandbox {@code choice} describes, opened on first use. */
    public MagicEvaluator(Evaluator delegate, SandboxChoice choice) {
        this(delegate, new MagicSession(choice));
    }

    /**
     * The kernel's evaluator: the sandbox is chosen by {@code JBOX_SANDBOX} in {@code env}. A bad setting does not
     * stop the kernel: it is logged, and each magic that needs the sandbox says what is wrong until
     * {@code %sandbox} chooses another.
     */
    public static MagicEvaluator fromEnvironment(Evaluator delegate, Map<String, String> env) {
        return fromEnvironment(delegate, env, null);
    }

    /**
     * Same, for the kernel session {@code session} ({@code kernel-<id>}, see {@link LocalSettings}): its local
     * sandbox adopts what a dead kernel of the same session left, in the background from now on.
     */
    public static MagicEvaluator fromEnvironment(Evaluator delegate, Map<String, String> env, String session) {
        try {
            MagicEvaluator ev = new MagicEvaluator(delegate, new MagicSession(SandboxChoice.fromEnv(env), LocalSettings.fromEnv(env, session)));
            ev.session.adoptInBackground();
            return ev;
        } catch (IllegalArgumentException e) {
            String problem = e.getMessage() + "; fix it and restart, or choose with %sandbox local|connect URL|e2b|hopx";
            System.getLogger("jbox.sandbox").log(System.Logger.Level.WARNING, problem);
            return new MagicEvaluator(delegate, () -> {
                throw MagicException.failed(problem);
            });
        }
    }

    private MagicEvaluator(Evaluator delegate, MagicSession session) {
        this.delegate = delegate;
        this.session = session;
        this.splitter = new CellSplitter(this::javaComplete);
        session.java(delegate);
        SessionApi.bind(session);
    }

    MagicSession session() {
        return session;
    }

    /**
     * On a background thread, does once what a session's first magic would otherwise do on the user's time: picocli
     * builds the models of the common magics, a local sandbox opens (its supervisor and state directory), and the
     * JVM starts a process. Nothing the user sees changes: no process of the sandbox's starts (ids stay p1, p2, ...),
     * and a remote sandbox is not contacted before a magic needs it.
     *
     * <p>{@code %bg}'s model is built at once: cold, it is most of a first {@code %bg}. The rest waits for the first
     * cell to end (or a second), then runs its steps only when no cell has run for {@link #WARM_UP_QUIET_NANOS}: on
     * two cores it slowed the compiler's start, and with it the first cell's result, by a tenth of a second or more,
     * and then the cells that follow the first one back to back.
     */
    public void warmUpInBackground() {
        Thread t = new Thread(() -> {
            // usage texts are not rendered (costly, rare)
            quietly(() -> session.registry().parse("bg", "--name jbox-warm-up true", null, false));
            try {
                firstCellDone.await(1, TimeUnit.SECONDS);
                awaitNoCells();
                quietly(() -> {
                    if (session.isLocal()) {
                        session.sandbox().commands().list(); // opens it; %bg --name lists first
                    }
                });
                awaitNoCells();
                quietly(MagicEvaluator::startAProcessElsewhere);
                for (String name : List.of("sh", "ps", "wait", "kill", "logs")) {
                    awaitNoCells();
                    quietly(() -> session.registry().parse(name, "", null, false)); // builds the model; may fail on no arguments
                }
            } catch (InterruptedException e) {
                // the kernel is going
            }
        }, "jbox-magics-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Waits until no cell runs and none ended in the last {@link #WARM_UP_QUIET_NANOS}. */
    private void awaitNoCells() throws InterruptedException {
        while (cellRunning || System.nanoTime() - lastCellEnd < WARM_UP_QUIET_NANOS) {
            Thread.sleep(50);
        }
    }

    private interface WarmUpStep {
        void run() throws Exception;
    }

    /** A warm-up step is an optimisation only: when it fails, the first magic does that work itself. */
    private static void quietly(WarmUpStep step) {
        try {
            step.run();
        } catch (Exception | LinkageError e) {
            // nothing lost
        }
    }

    /** A %bg's path (start, follow, panel) in a throwaway local sandbox of its own, deleted afterwards. */
    private static void startAProcessElsewhere() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jbox-warm-up-");
        try (Sandbox sandbox = Sandbox.local(LocalOptions.defaults().stateDir(dir).workDir(dir))) {
            sandbox.commands().list();
            CommandHandle h = sandbox.commands().start("echo jbox-warm-up", RunOptions.background());
            CellOutput nowhere = new CellOutput() {
                @Override
                public void stream(String name, String text) { }

                @Override
                public void display(MimeBundle bundle, String displayId) { }

                @Override
                public void updateDisplay(MimeBundle bundle, String displayId) { }

                @Override
                public void clearOutput(boolean wait) { }

                @Override
                public String readInput(String prompt, boolean password) {
                    return "";
                }

                @Override
                public void flush() { }
            };
            StatusPanel panel = new StatusPanel(h, "jbox-warm-up-" + UUID.randomUUID(), nowhere, () -> nowhere); // seeds SecureRandom
            panel.show();
            Subscription sub = h.subscribe(new OutputPump(h.id(), nowhere, new RateLimiter(() -> 0, System::nanoTime), () -> 0, r -> { }));
            h.waitFor(Duration.ofSeconds(10));
            sub.close();
            panel.finish();
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Puts the libraries of {@code JBOX_MAVEN} (coordinates separated by commas or blanks) on the class path
     * before the first cell runs. A failure does not stop the kernel: nothing of it is added, it is logged, and
     * the first cell shows it as one line on stderr.
     */
    public void addStartupLibraries(String coordinates) {
        if (coordinates == null || coordinates.isBlank()) return;
        System.Logger log = System.getLogger("jbox.libraries");
        try {
            List<Requested> requested = Coordinates.parseList(coordinates).stream().map(Requested::of).toList();
            Libraries.Plan plan = session.libraries().plan(requested, "JBOX_MAVEN", new TransferProgress());
            log.log(System.Logger.Level.INFO, "JBOX_MAVEN: " + session.libraries().apply(plan).replace('\n', ';'));
            startupPlan = plan;
        } catch (IllegalArgumentException | ResolutionException e) {
            startupNotice = "jbox: JBOX_MAVEN: " + e.getMessage() + " (nothing of JBOX_MAVEN was added)";
            log.log(System.Logger.Level.WARNING, startupNotice);
        }
    }

    @Override
    public EvalResult evaluate(String code, CellOutput output) {
        cellRunning = true;
        session.enter(output);
        try {
            firstCellOfSession(output);
            if (!CellSplitter.mayHoldMagic(code)) return delegate.evaluate(code, output);
            List<CellPart> parts = splitter.split(code);
            if (parts.size() == 1 && parts.get(0) instanceof CellPart.Java) return delegate.evaluate(code, output);
            return evaluateWithMagics(parts, output);
        } finally {
            output.flush();
            session.leave(output);
            lastCellEnd = System.nanoTime();
            cellRunning = false;
            firstCellDone.countDown();
        }
    }

    /** A cell with magics: the Java evaluator's background work holds back, except while its own steps run. */
    private EvalResult evaluateWithMagics(List<CellPart> parts, CellOutput output) {
        delegate.runningElsewhere(true);
        try {
            List<Object> steps = new ArrayList<>();
            for (CellPart p : parts) {
                try {
                    if (p instanceof CellPart.Java j) {
                        steps.add(j);
                    } else if (p instanceof CellPart.LineMagic m) {
                        steps.add(session.registry().parse(m.name(), m.args(), null, m.help()));
                    } else if (p instanceof CellPart.CellMagic m) {
                        steps.add(session.registry().parse(m.name(), m.args(), m.body(), m.help()));
                    }
                } catch (MagicException e) {
                    return error(e); // nothing of the cell runs
                }
            }
            EvalResult last = EvalResult.ok(null);
            for (int i = 0; i < steps.size(); i++) {
                if (i > 0 && last.value() != null) output.display(last.value(), null);
                Object step = steps.get(i);
                last = step instanceof CellPart.Java j ? evaluateJava(j.code(), output) : run((MagicRegistry.Parsed) step, output);
                if (last.isError()) return last;
            }
            return last;
        } finally {
            delegate.runningElsewhere(false);
        }
    }

    private EvalResult evaluateJava(String code, CellOutput output) {
        delegate.runningElsewhere(false);
        try {
            return delegate.evaluate(code, output);
        } finally {
            delegate.runningElsewhere(true);
        }
    }

    private void firstCellOfSession(CellOutput output) {
        String notice = startupNotice;
        if (notice != null) {
            startupNotice = null;
            output.stream("stderr", notice + "\n");
        }
        Libraries.Plan plan = startupPlan;
        if (plan != null) {
            startupPlan = null;
            LibraryAdd.setUp(session, output, plan);
        }
    }

    private EvalResult run(MagicRegistry.Parsed p, CellOutput output) {
        if (p.help() != null) return EvalResult.ok(MimeBundle.text(p.help().stripTrailing()));
        session.foregroundStarted(); // from here an interrupt belongs to this magic, not to the Java evaluator
        try {
            return p.command().run(new MagicContext(session, output, p.rawArgs(), p.tokens(), p.body()));
        } catch (MagicException e) {
            return error(e);
        } catch (SandboxException e) {
            return error(MagicException.failed("%" + p.name() + ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EvalResult.failed("Interrupted", "%" + p.name() + " was interrupted", List.of("Interrupted: %" + p.name()));
        } catch (RuntimeException e) {
            String msg = "%" + p.name() + " failed: " + e;
            return EvalResult.failed("MagicError", msg, List.of("MagicError: " + msg));
        } finally {
            session.foregroundEnded();
        }
    }

    private static EvalResult error(MagicException e) {
        return EvalResult.failed(e.ename(), e.getMessage(), List.of(e.ename() + ": " + e.getMessage()));
    }

    private boolean javaComplete(String java) {
        return delegate.isComplete(java).status() != Completeness.Status.INCOMPLETE;
    }

    @Override
    public EvalResult evaluateExpression(String expression, CellOutput output) {
        return delegate.evaluateExpression(expression, output);
    }

    /** Stops a foreground {@code %sh} (killing its tree) or {@code %wait}/{@code %logs --follow}; else the Java code. */
    @Override
    public void interrupt() {
        if (!session.interruptForeground()) delegate.interrupt();
    }

    @Override
    public Completion complete(String code, int cursor) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        if (cursor == 0) lineStart = 0;
        String before = code.substring(lineStart, cursor);
        Matcher name = MAGIC_PREFIX.matcher(before);
        if (name.matches()) {
            boolean cell = name.group(1).equals("%%");
            List<String> matches = new ArrayList<>();
            for (String n : session.registry().names()) {
                if (n.startsWith(name.group(2)) && (!cell || session.registry().spec(n).cellForm())) matches.add(name.group(1) + n);
            }
            return new Completion(matches, lineStart, cursor);
        }
        Matcher args = MAGIC_WITH_ARGS.matcher(before);
        if (args.matches() && session.registry().spec(args.group(1)) != null) {
            int wordStart = Math.max(before.lastIndexOf(' '), before.lastIndexOf('\t')) + 1;
            String word = before.substring(wordStart);
            List<String> matches = new ArrayList<>();
            if (word.startsWith("-")) {
                for (String o : session.registry().options(args.group(1))) if (o.startsWith(word)) matches.add(o);
            }
            return new Completion(matches, lineStart + wordStart, cursor);
        }
        if (before.startsWith("!")) return new Completion(List.of(), cursor, cursor);
        CellPart.Java java = javaPartAt(code, cursor);
        if (java == null) return new Completion(List.of(), cursor, cursor);
        Completion c = delegate.complete(java.code(), Math.min(java.code().length(), cursor - java.offset()));
        return new Completion(c.matches(), c.cursorStart() + java.offset(), c.cursorEnd() + java.offset());
    }

    @Override
    public Optional<Inspection> inspect(String code, int cursor, int detailLevel) {
        int lineStart = code.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        if (cursor == 0) lineStart = 0;
        int lineEnd = code.indexOf('\n', cursor);
        String line = code.substring(lineStart, lineEnd < 0 ? code.length() : lineEnd);
        Matcher m = MAGIC_WITH_ARGS.matcher(line.stripTrailing());
        if (m.matches()) {
            if (session.registry().spec(m.group(1)) == null) return Optional.empty();
            return Optional.of(new Inspection(session.registry().help(m.group(1)), null));
        }
        if (line.startsWith("!")) return Optional.of(new Inspection(session.registry().help("sh"), null));
        CellPart.Java java = javaPartAt(code, cursor);
        if (java == null) return Optional.empty();
        return delegate.inspect(java.code(), Math.min(java.code().length(), cursor - java.offset()), detailLevel);
    }

    @Override
    public Completeness isComplete(String code) {
        if (!CellSplitter.mayHoldMagic(code)) return delegate.isComplete(code);
        List<CellPart> parts = splitter.split(code);
        if (parts.isEmpty()) return Completeness.complete();
        CellPart last = parts.get(parts.size() - 1);
        if (last instanceof CellPart.Java j) return delegate.isComplete(j.code());
        return Completeness.complete();
    }

    @Override
    public void addToClassPath(List<Path> entries) {
        delegate.addToClassPath(entries);
    }

    @Override
    public void runningElsewhere(boolean running) {
        delegate.runningElsewhere(running);
    }

    @Override
    public MimeBundle render(Object value) {
        return delegate.render(value);
    }

    /** Kills the sandbox's process trees (no orphans), then closes the wrapped evaluator. */
    @Override
    public void close() {
        try {
            session.close();
        } finally {
            SessionApi.unbind(session);
            delegate.close();
        }
    }

    private CellPart.Java javaPartAt(String code, int cursor) {
        if (!CellSplitter.mayHoldMagic(code)) return new CellPart.Java(code, 0);
        CellPart.Java found = null;
        for (CellPart p : splitter.split(code)) {
            if (p instanceof CellPart.Java j && j.offset() <= cursor && cursor <= j.offset() + j.code().length()) found = j;
        }
        return found;
    }
}
