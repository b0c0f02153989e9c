package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.Display;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.display.MimeRenderable;
import java.io.File;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
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
 * {@link Evaluator} on an in-process JShell: cells share objects with the kernel. Construction returns quickly;
 * the default imports, the startup snippets and a warm-up compile run on a background thread, and the first
 * request waits for them.
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

    /** Holds the value of the last expression cell (see {@link #valueAssignment}). */
    public static final String VALUE_VARIABLE = "$jboxValue";

    /** Declares {@link #VALUE_VARIABLE} once per session; value cells assign it. */
    static final String VALUE_DECLARATION = "Object " + VALUE_VARIABLE + " = null;";

    /**
     * Per snippet text, whether it compiled as a value declaration last time, so that a re-run void call does not
     * try again; the snippet is still compiled and run every time. Cleared when a declaration or import changes;
     * a stale entry costs only speed, never correctness (see {@link #evalValue}).
     */
    private final Map<String, Boolean> valueExpressions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 512;
        }
    };

    private final CompiledSnippets compiled = new CompiledSnippets();
    /** The session's declaration of {@link #VALUE_VARIABLE}. */
    private Snippet valueVariable;
    private final InProcessExecution execution;
    private final JShell jshell;
    private final SourceCodeAnalysis analysis;
    private final SnippetLocations locations = new SnippetLocations();
    private final ReentrantLock session = new ReentrantLock();
    /** When the user's session was last used ({@link System#nanoTime()}), for {@link CompilerWarmer}. */
    private final AtomicLong lastUse = new AtomicLong(System.nanoTime() - CompilerWarmer.QUIET_NANOS);
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile boolean interruptRequested;
    private long cellSerial;

    public JShellEvaluator(List<String> startupSnippets) {
        StdStreams.install();
        execution = new InProcessExecution(new SnippetLoader(JShellEvaluator.class.getClassLoader()));
        jshell = JShell.builder()
                .executionEngine(new InProcessExecution.Provider(execution), Map.of())
                .in(InputStream.nullInputStream())
                .out(StdStreams.kernelErr())
                .err(StdStreams.kernelErr())
                .build();
        analysis = jshell.sourceCodeAnalysis();
        Display.setRenderer(this::render);
        List<String> startup = new ArrayList<>(DEFAULT_IMPORTS);
        startup.addAll(startupSnippets);
        Thread warmUp = new Thread(() -> warmUp(startup), "jbox-jshell-warmup");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Blocks until the startup snippets ran (tests and the kernel's startup measurement use it). */
    public void awaitReady() {
        boolean interrupted = false;
        while (true) {
            try {
                ready.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void warmUp(List<String> startup) {
        session.lock();
        try {
            for (String entry : classPath()) {
                jshell.addToClasspath(entry);
            }
            for (String snippet : startup) {
                for (SnippetEvent e : jshell.eval(snippet)) {
                    if (e.status() == Snippet.Status.REJECTED || e.exception() != null) {
                        StdStreams.kernelErr().println("jbox: startup snippet failed: " + snippet.strip() + " "
                                + jshell.diagnostics(e.snippet()).map(d -> d.getMessage(java.util.Locale.ROOT)).collect(Collectors.toList()));
                    }
                }
            }
            declareValueVariable();
            jshell.eval("{}"); // compiles and runs once, so the first cell does not pay for it
            analysis.analyzeCompletion("1 + 1");
            analysis.completionSuggestions("Str", 3, new int[1]);
        } catch (RuntimeException e) {
            StdStreams.kernelErr().println("jbox: JShell warm-up failed: " + e);
        } finally {
            session.unlock();
            ready.countDown();
        }
        CompilerWarmer.start(session, lastUse, classPath());
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
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            boolean complete = info.completeness().isComplete() && info.source() != null;
            // An incomplete or unknown rest is compiled as it is: the compiler says best what is wrong with it.
            // JShell's source keeps the whitespace before the snippet; without it, line numbers count from the code.
            String source = complete ? info.source().stripLeading() : remaining.strip();
            String rest = complete ? info.remaining() : "";
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

    private record SnippetOutcome(MimeBundle value, EvalResult error) {
    }

    private SnippetOutcome evalSnippet(String source, int firstLine, CellOutput output) {
        CompiledSnippets.Compiled known = compiled.get(source);
        if (known != null) {
            return rerun(known, firstLine);
        }
        String asValue = valueAssignment(source);
        if (asValue != null) {
            SnippetOutcome o = evalValue(source, asValue, firstLine);
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
                remember(source, main, invocationsBefore);
                return new SnippetOutcome(null, ErrorReports.runtimeError(jshell, e.exception(), locations));
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
            remember(source, main, invocationsBefore);
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

    /** Runs {@code source}'s class again instead of compiling it again (see {@link CompiledSnippets}). */
    private SnippetOutcome rerun(CompiledSnippets.Compiled c, int firstLine) {
        locations.record(c.snippetId(), firstLine);
        Object v;
        try {
            v = execution.rerun(c.className());
        } catch (ExecutionControl.StoppedException e) {
            return new SnippetOutcome(null, ErrorReports.interrupted());
        } catch (ExecutionControl.RunException e) {
            return new SnippetOutcome(null, ErrorReports.runtimeError(jshell, e, locations));
        } catch (ExecutionControl.ExecutionControlException e) {
            compiled.clear(); // not the user's failure: from now on, through JShell again
            String msg = "jbox could not run the compiled cell again (" + e.getMessage() + "); run the cell once more";
            return new SnippetOutcome(null, EvalResult.failed("InternalError", msg, List.of("InternalError: " + msg)));
        }
        if (interruptRequested || execution.stopRequested()) {
            return new SnippetOutcome(null, ErrorReports.interrupted());
        }
        boolean shown = c.showsValue() && InProcessExecution.hasValue(v) && !Display.isDisplayId(v);
        return new SnippetOutcome(shown ? render(v) : null, null);
    }

    /**
     * For an expression with a value, the same as an assignment to {@link #VALUE_VARIABLE}; else null.
     *
     * <p>Why: JShell keeps every expression's value in a new temporary variable ({@code $1}, {@code $2}, ...), and
     * each of them is imported into every later snippet's compilation, so each cell compiled slower than the one
     * before (15 ms after 200 expression cells, 45 ms after 1,200). Compiling the temporary variable's typed
     * wrapper also costs several times an assignment. One {@code Object} variable, declared at startup and assigned
     * by every value cell, keeps the cost flat (an assignment also compiles about 18% faster than redeclaring the
     * variable each time). Cells show values, not {@code $N} names, so nothing visible changes; the last value stays
     * reachable as {@code $jboxValue}. Which snippets to try is decided from the text ({@link ExpressionShape}), not
     * by asking JShell, whose analysis costs as much as the compilation itself; what the rewrite cannot compile (a
     * void call, a lambda, an unresolved name) runs as written, so the guess only ever costs time.
     */
    private String valueAssignment(String source) {
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
        if (valueVariable == null || !jshell.status(valueVariable).isActive()) {
            if (assignment.indexOf(VALUE_VARIABLE, VALUE_VARIABLE.length()) >= 0) {
                return null; // reads the user's own declaration of the name: JShell's way
            }
            declareValueVariable(); // a declaration of the user's replaced it: the name is the kernel's
        }
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
            return new SnippetOutcome(null, ErrorReports.runtimeError(jshell, main.exception(), locations));
        }
        return new SnippetOutcome(shownValue(main), null);
    }

    private void declareValueVariable() {
        valueVariable = null;
        for (SnippetEvent e : jshell.eval(VALUE_DECLARATION)) {
            if (e.causeSnippet() == null && e.status() == Snippet.Status.VALID) {
                valueVariable = e.snippet();
            }
        }
        declarationsChanged();
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

    /** How many snippets JShell holds, active or not (each evaluation adds at least one; re-runs add none). */
    long snippetCount() {
        session.lock();
        try {
            return jshell.snippets().count();
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    /** How many declarations and imports are active: each one is imported into every later snippet's compilation. */
    long activeDeclarations() {
        session.lock();
        try {
            return jshell.snippets().filter(sn -> sn instanceof PersistentSnippet && jshell.status(sn).isActive()).count();
        } finally {
            lastUse.set(System.nanoTime());
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
            int start = unitStart(code, cursor);
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
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    /** Start of the snippet the cursor is in: JShell's analysis works on one snippet, a cell may hold many. */
    private int unitStart(String code, int cursor) {
        String prefix = code.substring(0, Math.max(0, Math.min(cursor, code.length())));
        int start = 0;
        while (start < prefix.length()) {
            CompletionInfo info = analysis.analyzeCompletion(prefix.substring(start));
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
            int start = unitStart(code, cursor);
            String unit = code.substring(start);
            int at = Math.min(cursor - start, unit.length());
            while (at < unit.length() && Character.isJavaIdentifierPart(unit.charAt(at))) {
                at++;
            }
            List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(unit, at, true);
            if (docs.isEmpty()) {
                docs = analysis.documentation(unit.substring(0, at) + "(", at + 1, true);
            }
            return docs.isEmpty() ? Optional.empty() : Optional.of(Javadocs.inspection(docs));
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }

    @Override
    public Completeness isComplete(String code) {
        awaitReady();
        session.lock();
        try {
            String rest = code;
            while (!rest.isBlank()) {
                CompletionInfo info = analysis.analyzeCompletion(rest);
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
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
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
            for (Path entry : entries) {
                jshell.addToClasspath(entry.toAbsolutePath().toString());
            }
            declarationsChanged(); // a name may now resolve to a new class
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
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
        session.lock();
        try {
            jshell.close();
        } finally {
            lastUse.set(System.nanoTime());
            session.unlock();
        }
    }
}
