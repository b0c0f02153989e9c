package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.Display;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.display.MimeRenderable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.PersistentSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.spi.ExecutionControl;

/**
 * {@link Evaluator} on an in-process JShell: cells share objects with the kernel. Most snippets are compiled by
 * {@link DirectPath}, jbox's own compile path, whose cost does not grow with the session; JShell evaluates the
 * rest (imports, modifiers, forward references, errors) and provides completion and inspection. The two share one
 * session: each sees the other's declarations (see {@link JShellDeclarations}), and a name JShell takes over
 * leaves the direct path together with the declarations that depend on it.
 *
 * <p>Construction returns quickly. The direct path's first compilation (javac's warm-up) runs on a background
 * thread and the first request waits for it; JShell's own start-up (the default imports) follows on that thread,
 * and only what needs JShell waits for that.
 *
 * <pre>{@code
 * try (Evaluator ev = new JShellEvaluator(List.of("import static java.lang.Math.*;"))) {
 *     EvalResult r = ev.evaluate("int x = 20;\nmax(x, 22)", output);   // r.value(): text/plain "22"
 * }
 * }</pre>
 *
 * <p>Values render as JShell shows them ({@code "abc"} quoted, {@code 'c'}, {@code int[2] { 1, 2 }}); a
 * {@link MimeBundle}, a {@link MimeRenderable}, an image or a type registered with {@code Display.renderWith} renders
 * as its bundle (see {@link Display#richBundle}). A cell whose value is a display id returned
 * by {@code display(...)} shows no result, as IPython's {@code display()} does.
 */
public final class JShellEvaluator implements Evaluator {

    /** How long no cell must have run before a step of JShell's start-up (see {@link #yieldToCells}). */
    private static final long JSHELL_START_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * Imports every session starts with: those of the {@code jshell} tool's DEFAULT startup (so that what works
     * there, like {@code new BigDecimal("1.5")}, works in a cell), then jbox's own ({@code java.time} and the
     * display API).
     */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "import java.io.*;",
            "import java.math.*;",
            "import java.net.*;",
            "import java.nio.file.*;",
            "import java.util.*;",
            "import java.util.concurrent.*;",
            "import java.util.function.*;",
            "import java.util.prefs.*;",
            "import java.util.regex.*;",
            "import java.util.stream.*;",
            "import java.time.*;",
            "import static dev.jbox.kernel.display.Display.*;");

    /** Holds the value of the last expression cell. */
    public static final String VALUE_VARIABLE = "$jboxValue";

    /** Declares {@link #VALUE_VARIABLE} once per session; value cells assign it. */
    static final String VALUE_DECLARATION = "Object " + VALUE_VARIABLE + " = null;";

    /**
     * Per snippet text, whether it compiled as a value assignment in JShell last time, so that a re-run void call
     * does not try again. Cleared when a declaration or import changes; a stale entry costs only speed.
     */
    private final Map<String, Boolean> valueExpressions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 512;
        }
    };

    private final boolean directEnabled;
    private final CompiledSnippets compiled = new CompiledSnippets();
    private final InProcessExecution execution;
    private final SnippetLoader loader;
    private final Map<String, byte[]> directClasses = DirectPath.newClassFileMap();
    private final SessionNames names = new SessionNames();
    private final JShellDeclarations jshellSide;
    private final SnippetLocations locations = new SnippetLocations();
    private final ReentrantLock session = new ReentrantLock();
    /** JShell itself: its start-up runs beside the first cells. Taken after {@link #session} when both are. */
    private final ReentrantLock jshellLock = new ReentrantLock();
    /** When the user's session was last used ({@link System#nanoTime()}), for {@link CompilerWarmer}. */
    private final AtomicLong lastUse = new AtomicLong(System.nanoTime() - CompilerWarmer.QUIET_NANOS);
    /** The direct path can compile (its first compilation ran). */
    private final CountDownLatch directReady = new CountDownLatch(1);
    /** JShell exists (its analysis works). */
    private final CountDownLatch jshellBuilt = new CountDownLatch(1);
    /** The first cell ended: JShell's start-up, which the first cells do not need, waits for it (or a moment). */
    private final CountDownLatch firstCellDone = new CountDownLatch(1);
    private volatile boolean closed;
    /** Someone waits for JShell (a magic may add to the class path, for one): its start waits for nothing more. */
    private volatile boolean jshellWanted;
    /** JShell ran its start-up snippets. */
    private final CountDownLatch jshellReady = new CountDownLatch(1);
    private final List<String> classPath = new ArrayList<>();
    // Made on the start-up threads and read after the latches above, which order those writes before the reads.
    private StandardJavaFileManager directFiles;
    private SessionCompiler compiler;
    private DirectPath direct;
    private JShell jshell;
    private SourceCodeAnalysis analysis;
    /** The kernel's declaration of {@link #VALUE_VARIABLE} on the direct path. */
    private SessionNames.Declaration valueDeclaration;
    private Field valueField;
    /** Without the direct path: JShell's declaration of {@link #VALUE_VARIABLE}. */
    private Snippet jshellValueVariable;
    private volatile boolean interruptRequested;
    private long cellSerial;
    private long directSnippets;

    public JShellEvaluator(List<String> startupSnippets) {
        this(startupSnippets, !"0".equals(System.getenv("JBOX_DIRECT")));
    }

    /**
     * {@code direct} false sends every snippet through JShell (the tests compare the two paths with it). Returns at
     * once: the compilers start on two threads, so that a kernel answers magics, which need neither, meanwhile.
     */
    JShellEvaluator(List<String> startupSnippets, boolean direct) {
        StdStreams.install();
        directEnabled = direct;
        loader = new SnippetLoader(JShellEvaluator.class.getClassLoader());
        execution = new InProcessExecution(loader);
        classPath.addAll(classPath());
        jshellSide = new JShellDeclarations(names, loader::jshellClassNames);
        Display.setRenderer(this::render);
        List<String> startup = new ArrayList<>(DEFAULT_IMPORTS);
        startup.addAll(startupSnippets);
        Thread compilerStart = new Thread(() -> startDirectPath(startup), "jbox-compiler-start");
        compilerStart.setDaemon(true);
        compilerStart.start();
        Thread jshellStart = new Thread(() -> startJShell(startup), "jbox-jshell-start");
        jshellStart.setDaemon(true);
        jshellStart.start();
    }

    /** Blocks until the first cell can run (tests and the kernel's startup measurement use it). */
    public void awaitReady() {
        await(directReady);
    }

    private static void await(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The direct path, and its first compilation (the value variable): javac's classes load, its code warms. */
    private void startDirectPath(List<String> startup) {
        session.lock();
        try {
            directFiles = ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, null, null);
            setClassPath(directFiles, classPath);
            compiler = new SessionCompiler(new ReplFileManager(directFiles, directClasses, loader::bytecodes));
            direct = new DirectPath(execution, compiler, directClasses, names, jshellSide);
            for (String snippet : startup) {
                if (SnippetShape.of(snippet.strip()).kind() == SnippetShape.Kind.IMPORT) {
                    direct.addImport(snippet);
                }
            }
            if (directEnabled) {
                declareValueVariable();
                direct.learnClassPathImports(false); // javac has opened the class path's jars by now
            }
        } catch (RuntimeException | Error e) {
            StdStreams.kernelErr().println("jbox: the compile path did not start (every cell goes through JShell): " + e);
        } finally {
            session.unlock();
            directReady.countDown();
        }
        if (direct != null) {
            direct.learnImports(); // beside the first cell, which carries every import meanwhile
        }
    }

    /**
     * The session's JShell and its start-up snippets. They wait for the direct path's start and for the first cell
     * (at most a second), which need no JShell: on two cores, starting both compilers at once delays the first result.
     * Each step then waits until no cell has run for {@link #JSHELL_START_QUIET_NANOS} (see {@link #yieldToCells}).
     */
    private void startJShell(List<String> startup) {
        await(directReady);
        try {
            firstCellDone.await(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            yieldToCells();
            withJShell(() -> {
                jshell = JShell.builder()
                        .executionEngine(new InProcessExecution.Provider(execution), Map.of())
                        .fileManager(standard -> new ReplFileManager(standard, directClasses, name -> null))
                        .in(InputStream.nullInputStream())
                        .out(StdStreams.kernelErr())
                        .err(StdStreams.kernelErr())
                        .build();
                analysis = jshell.sourceCodeAnalysis();
                jshellSide.attach(jshell);
                return null;
            });
        } finally {
            jshellBuilt.countDown();
        }
        try {
            for (String entry : classPath) {
                withJShell(() -> {
                    jshell.addToClasspath(entry);
                    return null;
                });
            }
            for (String snippet : startup) {
                yieldToCells();
                withJShell(() -> {
                    for (SnippetEvent e : jshell.eval(snippet)) {
                        if (e.status() == Snippet.Status.REJECTED || e.exception() != null) {
                            StdStreams.kernelErr().println("jbox: startup snippet failed: " + snippet.strip() + " "
                                    + jshell.diagnostics(e.snippet()).map(d -> d.getMessage(java.util.Locale.ROOT)).collect(Collectors.toList()));
                        }
                    }
                    return null;
                });
            }
            yieldToCells();
            withJShell(() -> {
                if (!directEnabled) {
                    declareJShellValueVariable();
                }
                jshellSide.refresh();
                analysis.analyzeCompletion("1 + 1");
                return analysis.completionSuggestions("Str", 3, new int[1]);
            });
        } catch (RuntimeException e) {
            if (closed) {
                return; // the kernel stopped while JShell was starting: nothing failed
            }
            StdStreams.kernelErr().println("jbox: JShell warm-up failed: " + e);
        } finally {
            jshellReady.countDown();
        }
        CompilerWarmer.start(session, lastUse, classPath, directEnabled && valueDeclaration != null);
    }

    /**
     * Holds JShell's start-up back while a cell or a magic runs and for a moment after, unless a request waits for
     * JShell. Its steps are long (building JShell takes about as long as a cold cell) and their code floods the JIT
     * compiler's queue: a CPU-bound cell sent right after the first one ran 1.5-2x slower beside them.
     */
    private void yieldToCells() {
        try {
            CompilerWarmer.awaitQuiet(session, lastUse, JSHELL_START_QUIET_NANOS, () -> jshellWanted || closed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code work} with JShell, once its start-up is done. Callers that also hold {@link #session} take it
     * first; JShell's start-up takes only this lock, step by step, so cells that do not need JShell run beside it.
     */
    private <T> T withJShell(Supplier<T> work) {
        jshellLock.lock();
        try {
            return work.get();
        } finally {
            jshellLock.unlock();
        }
    }

    private <T> T withReadyJShell(Supplier<T> work) {
        jshellWanted = true;
        await(jshellReady);
        return withJShell(work);
    }

    /** The kernel's class path (also in surefire and in a shaded jar), so cells can use dev.jbox classes. */
    private static Set<String> classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        CodeSource own = JShellEvaluator.class.getProtectionDomain().getCodeSource();
        if (own != null && own.getLocation() != null) {
            try {
                entries.add(Path.of(own.getLocation().toURI()).toString());
            } catch (URISyntaxException | IllegalArgumentException e) {
                StdStreams.kernelErr().println("jbox: cannot add " + own.getLocation() + " to the JShell class path: " + e);
            }
        }
        return entries;
    }

    private static void setClassPath(StandardJavaFileManager files, List<String> entries) {
        try {
            files.setLocation(StandardLocation.CLASS_PATH, entries.stream().map(File::new).collect(Collectors.toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public EvalResult evaluate(String code, CellOutput output) {
        awaitReady();
        session.lock();
        try {
            interruptRequested = false;
            locations.startCell(++cellSerial);
            execution.beginCell(new BoundCell(output));
            try {
                return runCell(code, output);
            } finally {
                execution.endCell();
            }
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
            firstCellDone.countDown();
        }
    }

    @Override
    public EvalResult evaluateExpression(String expression, CellOutput output) {
        return evaluate(expression, output);
    }

    private EvalResult runCell(String code, CellOutput output) {
        MimeBundle value = null;
        String remaining = code;
        int consumed = 0;
        while (!remaining.isBlank()) {
            if (interruptRequested) {
                return ErrorReports.interrupted();
            }
            if (JavaTokens.of(remaining).isEmpty()) {
                break; // comments and blanks
            }
            String source;
            String rest;
            SnippetSplitter.Split quick = SnippetSplitter.first(remaining);
            if (quick != null) {
                source = quick.source();
                rest = quick.rest();
            } else {
                CompletionInfo info = split(remaining);
                if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                    break;
                }
                boolean complete = info.completeness().isComplete() && info.source() != null;
                // An incomplete or unknown rest is compiled as it is: the compiler says best what is wrong with it.
                // JShell's source keeps the whitespace before the snippet; without it, line numbers count from the code.
                source = complete ? info.source().stripLeading() : remaining.strip();
                rest = complete ? info.remaining() : "";
            }
            int firstLine = lineOf(code, startOf(code, source, consumed));
            value = null;
            SnippetOutcome outcome = evalSnippet(source, firstLine, output);
            if (outcome.error() != null) {
                return outcome.error();
            }
            value = outcome.value();
            consumed += remaining.length() - rest.length();
            remaining = rest;
        }
        return interruptRequested ? ErrorReports.interrupted() : EvalResult.ok(value);
    }

    /** JShell's reading of where the first snippet of {@code code} ends (it depends on the text alone). */
    private CompletionInfo split(String code) {
        jshellWanted = true;
        await(jshellBuilt);
        return withJShell(() -> analysis.analyzeCompletion(code));
    }

    private record SnippetOutcome(MimeBundle value, EvalResult error) {
    }

    private SnippetOutcome evalSnippet(String source, int firstLine, CellOutput output) {
        CompiledSnippets.Compiled known = compiled.get(source);
        if (known != null) {
            return rerun(known, firstLine);
        }
        SnippetShape shape = SnippetShape.of(source);
        if (valueDeclaration != null) {
            DirectPath.Prepared p;
            try {
                p = direct.prepare(source, shape);
            } catch (ExecutionControl.ExecutionControlException e) {
                p = null; // it could not be loaded: JShell's way will say why
            }
            if (p != null) {
                directSnippets++;
                locations.record(p.snippetId(), firstLine);
                if (!p.cacheable()) {
                    declarationsChanged();
                }
                if (p.className() == null) {
                    return new SnippetOutcome(null, null);
                }
                CompiledSnippets.Compiled c = new CompiledSnippets.Compiled(p.className(), p.snippetId(), p.showsValue());
                if (p.cacheable()) {
                    compiled.put(source, c);
                }
                return rerun(c, firstLine);
            }
        }
        return withReadyJShell(() -> viaJShell(source, shape, firstLine, output));
    }

    /**
     * Evaluates {@code source} with JShell. Before: the direct path's declarations it mentions become visible to
     * JShell, and when it declares a name the direct path holds, the declarations that depend on that name move to
     * JShell (JShell updates dependents on a redefinition; the direct path leaves redefinitions with dependents to
     * it). After: what JShell declared is known to the direct path, and an import it accepted joins the direct
     * path's imports.
     */
    private SnippetOutcome viaJShell(String snippet, SnippetShape shape, int firstLine, CellOutput output) {
        CompletionInfo info = analysis.analyzeCompletion(snippet);
        String source = info.completeness().isComplete() && info.source() != null && info.remaining().isBlank()
                ? info.source().stripLeading() : snippet; // as JShell would have split it (a semicolon it adds)
        Set<String> declared = declaredNames(source, shape);
        List<SessionNames.Declaration> moved = names.dependentsClosure(declared);
        declared.forEach(jshellSide::unmirror);
        moved.forEach(d -> jshellSide.unmirror(d.name()));
        for (SessionNames.Declaration d : moved) {
            direct.drop(d);
            Set<String> needs = new LinkedHashSet<>(JavaTokens.identifiers(d.source()));
            needs.removeAll(declared);
            jshellSide.mirror(needs);
            // a variable is declared again without its initializer, which JShell would not run again either
            jshell.eval(d.kind() == SessionNames.Kind.VARIABLE ? d.typeText() + " " + d.name() + ";" : d.source());
        }
        Set<String> needs = new LinkedHashSet<>(JavaTokens.identifiers(source));
        needs.removeAll(declared);
        needs.add(VALUE_VARIABLE); // JShell's value cells assign it
        jshellSide.mirror(needs);
        SnippetOutcome outcome;
        try {
            outcome = evalWithJShell(snippet, source, firstLine, output);
        } finally {
            jshellSide.refresh();
            for (String name : declared) {
                for (SessionNames.Declaration d : List.copyOf(names.all(name))) {
                    if (jshellSide.declares(name, d.kind())) {
                        direct.drop(d); // JShell's declaration replaced it
                    }
                }
                jshellSide.mirror(List.of(name)); // what the direct path still declares of that name, visible again
            }
            if (!moved.isEmpty() || !declared.isEmpty()) {
                declarationsChanged();
            }
        }
        if (shape.kind() == SnippetShape.Kind.IMPORT && outcome.error() == null && direct != null) {
            direct.addImport(source);
            direct.learnImports(); // one package or class: quick once javac has opened the runtime image
            direct.learnClassPathImports(false);
            declarationsChanged();
        }
        return outcome;
    }

    /** The names {@code source} declares: from its shape, or from JShell's reading of it when the shape says nothing. */
    private Set<String> declaredNames(String source, SnippetShape shape) {
        Set<String> names = new LinkedHashSet<>();
        if (shape.name() != null) {
            names.add(shape.name());
        } else if (shape.kind() == SnippetShape.Kind.OTHER) {
            try {
                for (Snippet s : analysis.sourceToSnippets(source)) {
                    if (s instanceof DeclarationSnippet d) {
                        names.add(d.name());
                    }
                }
            } catch (RuntimeException e) {
                // JShell will report what is wrong with it
            }
        }
        return names;
    }

    /** {@code key}: the snippet's text as the cell had it, under which a re-run finds its compiled class. */
    private SnippetOutcome evalWithJShell(String key, String source, int firstLine, CellOutput output) {
        String asValue = valueAssignment(source);
        if (asValue != null) {
            SnippetOutcome o = evalValue(key, asValue, firstLine);
            valueExpressions.put(source, o != null); // next time, skip what does not compile as a value
            if (o != null) {
                return o;
            }
        }
        execution.takeLastValue();
        long invocationsBefore = execution.invocations();
        List<SnippetEvent> events = jshell.eval(source);
        if (interruptRequested || execution.stopRequested()) {
            return new SnippetOutcome(null, ErrorReports.interrupted());
        }
        MimeBundle value = null;
        SnippetEvent main = null;
        int mainEvents = 0;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue; // an effect on another snippet (overwritten, now resolved), not this one's outcome
            }
            main = e;
            mainEvents++;
            Snippet s = e.snippet();
            if (s instanceof PersistentSnippet && e.status().isDefined()) {
                declarationsChanged();
            }
            locations.record(s.id(), firstLine);
            if (e.status() == Snippet.Status.REJECTED) {
                List<Diag> errors = jshell.diagnostics(s).filter(Diag::isError).collect(Collectors.toList());
                if (errors.isEmpty() && s instanceof DeclarationSnippet d) {
                    String msg = ErrorReports.unresolvedMessage(jshell, d, "cannot be defined");
                    return new SnippetOutcome(null, EvalResult.failed(ErrorReports.UNRESOLVED, msg, List.of(ErrorReports.UNRESOLVED + ": " + msg)));
                }
                return new SnippetOutcome(null, ErrorReports.compileError(errors, source, firstLine));
            }
            if (e.exception() != null) {
                remember(key, main, invocationsBefore);
                return new SnippetOutcome(null, ErrorReports.runtimeError(jshell, e.exception(), locations, this::directSnippetId));
            }
            if (s instanceof DeclarationSnippet d && (e.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)) {
                String verb = d.kind() == Snippet.Kind.METHOD ? "cannot be invoked" : "cannot be used";
                output.stream("stderr", "note: " + ErrorReports.describe(d) + " was created, but it "
                        + ErrorReports.unresolvedMessage(jshell, d, verb).substring(ErrorReports.describe(d).length() + 1) + "\n");
            }
            if (producesValue(s) && e.value() != null) {
                value = shownValue(e);
            }
        }
        if (mainEvents == 1) {
            remember(key, main, invocationsBefore);
        }
        return new SnippetOutcome(value, null);
    }

    /**
     * Keeps {@code source}'s compiled class for re-runs when it is a statement or expression that compiled and ran
     * as exactly one invocation (declarations are never kept: running one again is not what redefining means).
     */
    private void remember(String source, SnippetEvent main, long invocationsBefore) {
        Snippet s = main.snippet();
        if (s instanceof PersistentSnippet || main.status() != Snippet.Status.VALID
                || execution.invocations() != invocationsBefore + 1) {
            return;
        }
        compiled.put(source, new CompiledSnippets.Compiled(execution.lastInvokedClass(), s.id(), producesValue(s)));
    }

    /**
     * Runs a compiled snippet class (the direct path's, or a re-run of JShell's) as JShell runs one: on a cell
     * thread, stoppable. A value it shows also becomes {@link #VALUE_VARIABLE}'s.
     */
    private SnippetOutcome rerun(CompiledSnippets.Compiled c, int firstLine) {
        locations.record(c.snippetId(), firstLine);
        Object v;
        try {
            v = execution.rerun(c.className());
        } catch (ExecutionControl.StoppedException e) {
            return new SnippetOutcome(null, ErrorReports.interrupted());
        } catch (ExecutionControl.RunException e) {
            return new SnippetOutcome(null, ErrorReports.runtimeError(jshell, e, locations, this::directSnippetId));
        } catch (ExecutionControl.ExecutionControlException e) {
            compiled.clear(); // not the user's failure: from now on, compiled again
            String msg = "jbox could not run the compiled cell (" + e.getMessage() + "); run the cell once more";
            return new SnippetOutcome(null, EvalResult.failed("InternalError", msg, List.of("InternalError: " + msg)));
        }
        if (interruptRequested || execution.stopRequested()) {
            return new SnippetOutcome(null, ErrorReports.interrupted());
        }
        boolean shown = c.showsValue() && InProcessExecution.hasValue(v) && !Display.isDisplayId(v);
        if (shown && DirectPath.isOwnClass(c.className())) {
            storeValue(v); // JShell's value snippets assign it themselves
        }
        return new SnippetOutcome(shown ? render(v) : null, null);
    }

    /** Sets {@link #VALUE_VARIABLE}; the kernel's declaration comes back if a cell of the user's replaced it. */
    private void storeValue(Object v) {
        if (valueDeclaration == null) {
            return;
        }
        if (names.get(VALUE_VARIABLE, SessionNames.Kind.VARIABLE) != valueDeclaration) {
            if (jshellSide.owns(VALUE_VARIABLE) || names.has(VALUE_VARIABLE)
                    && !names.dependents(VALUE_VARIABLE, null).isEmpty()) {
                return; // the user's declaration, which something depends on: theirs
            }
            direct.redeclare(valueDeclaration);
            declarationsChanged();
        }
        try {
            valueField.set(null, v);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            StdStreams.kernelErr().println("jbox: cannot keep the cell's value in " + VALUE_VARIABLE + ": " + e);
        }
    }

    /**
     * For an expression with a value that JShell evaluates, the same as an assignment to {@link #VALUE_VARIABLE};
     * else null.
     *
     * <p>Why: JShell keeps every expression's value in a new temporary variable ({@code $1}, {@code $2}, ...), and
     * each of them is imported into every later snippet's compilation, so each cell compiled slower than the one
     * before. The kernel's variable (declared on the direct path, visible to JShell as a mirror) takes the value
     * instead. Which snippets to try is decided from the text ({@link ExpressionShape}); what the rewrite cannot
     * compile (a void call, a lambda, an unresolved name) runs as written, so the guess only ever costs time.
     */
    private String valueAssignment(String source) {
        if (directEnabled ? names.get(VALUE_VARIABLE, SessionNames.Kind.VARIABLE) != valueDeclaration || valueDeclaration == null
                : jshellValueVariable == null || !jshell.status(jshellValueVariable).isActive()) {
            return null;
        }
        String expression = source.strip();
        while (expression.endsWith(";")) {
            expression = expression.substring(0, expression.length() - 1).stripTrailing();
        }
        Boolean known = valueExpressions.get(source);
        if (known == null ? !ExpressionShape.mayBeExpression(expression) : !known) {
            return null;
        }
        return assignValue(expression);
    }

    /**
     * The snippet that assigns {@code expression} to {@link #VALUE_VARIABLE}. The newline keeps a trailing line
     * comment from swallowing the closing parenthesis; the expression stays on the first line, so line numbers in
     * stack traces do not move.
     */
    static String assignValue(String expression) {
        return VALUE_VARIABLE + " = (" + expression + "\n);";
    }

    /** Evaluates {@code assignment}, made of {@code source}; null if it did not compile (then nothing ran). */
    private SnippetOutcome evalValue(String source, String assignment, int firstLine) {
        execution.takeLastValue();
        long invocationsBefore = execution.invocations();
        List<SnippetEvent> events = jshell.eval(assignment);
        SnippetEvent main = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() == null) {
                main = e;
            }
        }
        if (main == null) {
            return null;
        }
        if (interruptRequested || execution.stopRequested()) {
            return new SnippetOutcome(null, ErrorReports.interrupted());
        }
        if (main.status() != Snippet.Status.VALID) {
            return null; // e.g. a void call or an unresolved name: JShell's own way says what it is
        }
        locations.record(main.snippet().id(), firstLine);
        remember(source, main, invocationsBefore);
        if (main.exception() != null) {
            return new SnippetOutcome(null, ErrorReports.runtimeError(jshell, main.exception(), locations, this::directSnippetId));
        }
        return new SnippetOutcome(shownValue(main), null);
    }

    /** The snippet id of a class of the direct path's (stack traces name it), or null. */
    private String directSnippetId(String topLevelClass) {
        DirectPath d = direct;
        return d == null ? null : d.snippetIdOf(topLevelClass);
    }

    /** Declares the kernel's {@link #VALUE_VARIABLE} on the direct path (at start-up: javac's first compilation). */
    private void declareValueVariable() {
        try {
            DirectPath.Prepared p = direct.prepare(VALUE_DECLARATION, SnippetShape.of(VALUE_DECLARATION));
            if (p != null) {
                SessionNames.Declaration d = names.get(VALUE_VARIABLE, SessionNames.Kind.VARIABLE);
                valueField = direct.field(d);
                valueDeclaration = d;
                return;
            }
        } catch (ExecutionControl.ExecutionControlException | ReflectiveOperationException e) {
            StdStreams.kernelErr().println("jbox: " + e);
        }
        StdStreams.kernelErr().println("jbox: the compile path could not start; every cell goes through JShell");
    }

    /** Without the direct path, JShell declares {@link #VALUE_VARIABLE} (value cells assign it). */
    private void declareJShellValueVariable() {
        for (SnippetEvent e : jshell.eval(VALUE_DECLARATION)) {
            if (e.causeSnippet() == null && e.status() == Snippet.Status.VALID) {
                jshellValueVariable = e.snippet();
            }
        }
    }

    /** A new type, signature or import may change what a text means: forget what was learnt from compiling texts. */
    private void declarationsChanged() {
        valueExpressions.clear();
        compiled.clear();
    }

    /** What the cell shows for the value of {@code e}'s snippet: rendered richly, as text, or nothing for a display id. */
    private MimeBundle shownValue(SnippetEvent e) {
        Object v = execution.takeLastValue();
        if (!InProcessExecution.hasValue(v)) {
            return e.value() == null ? null : MimeBundle.text(e.value());
        }
        return Display.isDisplayId(v) ? null : render(v);
    }

    /** Expressions have a value worth showing; declarations ({@code int x = 1}) and statements do not. */
    private static boolean producesValue(Snippet s) {
        return switch (s.subKind()) {
            case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND, ASSIGNMENT_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
    }

    /** Where {@code source} (maybe with a semicolon JShell added) starts in the cell, searching from {@code from}. */
    private static int startOf(String code, String source, int from) {
        int at = code.indexOf(source, from);
        if (at < 0 && source.endsWith(";")) {
            at = code.indexOf(source.substring(0, source.length() - 1), from);
        }
        if (at >= 0) {
            return at;
        }
        int p = from;
        while (p < code.length() && Character.isWhitespace(code.charAt(p))) {
            p++;
        }
        return p;
    }

    /** The 1-based line of {@code offset} in {@code text}. */
    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** How many snippets were compiled so far, by JShell or the direct path (re-runs compile nothing). */
    long snippetCount() {
        session.lock();
        try {
            return directSnippets + withReadyJShell(() -> jshell.snippets().count());
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    /** How many declarations and imports JShell holds: each one is imported into every one of its compilations. */
    long activeDeclarations() {
        session.lock();
        try {
            return withReadyJShell(() -> jshell.snippets().filter(sn -> sn instanceof PersistentSnippet && jshell.status(sn).isActive()).count());
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    /** How many of the session's classes the direct path's last compilation listed to javac. */
    int lastCompilationClassCount() {
        return direct.lastVisibleCount();
    }

    /** How many compilations the direct path ran (each var declaration should need one when its type was guessed right). */
    long directCompilationCount() {
        session.lock();
        try {
            return compiler.compilations();
        } finally {
            session.unlock();
        }
    }

    /** How many snippets JShell evaluated for cells (the rest took the direct path; mirrors are not counted). */
    long jshellSnippetCount() {
        session.lock();
        try {
            return withReadyJShell(() -> jshell.snippets().count() - jshellSide.mirrorSnippets());
        } finally {
            session.unlock();
        }
    }

    @Override
    public void interrupt() {
        interruptRequested = true;
        execution.requestStop();
    }

    @Override
    public Completion complete(String code, int cursor) {
        awaitReady();
        session.lock();
        try {
            return withReadyJShell(() -> {
                int start = unitStart(code, cursor);
                mirrorFor(code, cursor);
                int[] anchor = {-1};
                List<SourceCodeAnalysis.Suggestion> suggestions =
                        analysis.completionSuggestions(code.substring(start), cursor - start, anchor);
                List<String> matches = new ArrayList<>();
                suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType)
                        .map(SourceCodeAnalysis.Suggestion::continuation).forEach(matches::add);
                suggestions.stream().filter(s -> !s.matchesType())
                        .map(SourceCodeAnalysis.Suggestion::continuation).forEach(matches::add);
                int from = anchor[0] < 0 ? cursor : start + anchor[0];
                return new Completion(matches.stream().distinct().collect(Collectors.toList()), from, cursor);
            });
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    /**
     * Makes the direct path's declarations visible to JShell's analysis of {@code code}: those it mentions, and
     * those whose name starts with the word at the cursor (what completing it may offer).
     */
    private void mirrorFor(String code, int cursor) {
        Set<String> wanted = new LinkedHashSet<>(JavaTokens.identifiers(code));
        int end = Math.min(cursor, code.length());
        int start = end;
        while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) {
            start--;
        }
        String prefix = code.substring(start, end);
        int limit = 200;
        for (String name : names.names()) {
            if (name.startsWith(prefix) && limit-- > 0) {
                wanted.add(name);
            }
        }
        wanted.retainAll(names.names());
        jshellSide.mirror(wanted);
    }

    /** Start of the snippet the cursor is in: JShell's analysis works on one snippet, a cell may hold many. */
    private int unitStart(String code, int cursor) {
        String prefix = code.substring(0, Math.max(0, Math.min(cursor, code.length())));
        int start = 0;
        while (start < prefix.length()) {
            CompletionInfo info = split(prefix.substring(start));
            if (!info.completeness().isComplete() || info.remaining().isBlank()) {
                break;
            }
            start = prefix.length() - info.remaining().length();
        }
        return start;
    }

    @Override
    public Optional<Inspection> inspect(String code, int cursor, int detailLevel) {
        awaitReady();
        session.lock();
        try {
            return withReadyJShell(() -> {
                int start = unitStart(code, cursor);
                String unit = code.substring(start);
                int at = Math.min(cursor - start, unit.length());
                while (at < unit.length() && Character.isJavaIdentifierPart(unit.charAt(at))) {
                    at++;
                }
                mirrorFor(code, start + at);
                List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(unit, at, true);
                if (docs.isEmpty()) {
                    docs = analysis.documentation(unit.substring(0, at) + "(", at + 1, true);
                }
                return docs.isEmpty() ? Optional.<Inspection>empty() : Optional.of(Javadocs.inspection(docs));
            });
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    @Override
    public Completeness isComplete(String code) {
        String quick = code;
        while (!JavaTokens.of(quick).isEmpty()) { // what the tokens settle needs no JShell
            SnippetSplitter.Split s = SnippetSplitter.first(quick);
            if (s == null) {
                break;
            }
            quick = s.rest();
        }
        if (JavaTokens.of(quick).isEmpty()) {
            return Completeness.complete();
        }
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = split(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> rest = info.remaining();
                case EMPTY -> rest = "";
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return Completeness.incomplete(nextIndent(code));
                }
                default -> {
                    return Completeness.invalid();
                }
            }
        }
        return Completeness.complete();
    }

    /** The last line's indentation, one level deeper after an opening brace. */
    private static String nextIndent(String code) {
        String stripped = code.stripTrailing();
        String lastLine = stripped.substring(stripped.lastIndexOf('\n') + 1);
        String indent = lastLine.substring(0, lastLine.length() - lastLine.stripLeading().length());
        return stripped.endsWith("{") ? indent + "    " : indent;
    }

    @Override
    public void addToClassPath(List<Path> entries) {
        awaitReady();
        session.lock();
        try {
            withReadyJShell(() -> {
                for (Path entry : entries) {
                    String e = entry.toAbsolutePath().toString();
                    jshell.addToClasspath(e); // JShell's compilations, and the class loader cells run in
                    classPath.add(e);
                }
                return null;
            });
            setClassPath(directFiles, classPath);
            compiler.classPathChanged();
            direct.learnClassPathImports(true);
            declarationsChanged(); // a name may now resolve to a new class
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    @Override
    public void runningElsewhere(boolean running) {
        // JShell's start and the compiler warm-up run only after a quiet moment: a use "in the future" holds them back
        // until the magic ends
        lastUse.set(System.nanoTime() + (running ? TimeUnit.HOURS.toNanos(1) : 0));
    }

    @Override
    public MimeBundle render(Object value) {
        MimeBundle rich = Display.richBundle(value); // bundles, MimeRenderable, renderWith types, RenderedImage as PNG
        if (rich != null) {
            return rich.data().containsKey("text/plain") ? rich : rich.with("text/plain", InProcessExecution.jshellText(value));
        }
        return MimeBundle.text(InProcessExecution.jshellText(value));
    }

    @Override
    public void close() {
        closed = true;
        session.lock();
        try {
            withJShell(() -> {
                if (jshell != null) {
                    jshell.close();
                }
                return null;
            });
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }
}
