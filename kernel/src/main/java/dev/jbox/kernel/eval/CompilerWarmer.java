package dev.jbox.kernel.eval;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.spi.ExecutionControl;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Gets the JIT to compile javac before the user needs it. A fresh kernel compiles a trivial cell in about 17 ms;
 * after a few hundred compilations it takes a few, because javac's own code has then been compiled by the JIT. This
 * runs those compilations in a throwaway session of its own (nothing touches the user's): the direct path's
 * ({@link DirectPath}), or JShell's when that is the only path. It runs on a background thread after start-up,
 * only while the user's session has been idle for {@link #QUIET_NANOS}, so that it never competes with a cell (or
 * the burst of requests around one) for the CPU. It stops after {@link #ROUNDS} rounds or {@link #BUDGET_NANOS} of
 * wall-clock time, whichever comes first; {@code JBOX_WARMUP=0} turns it off.
 */
final class CompilerWarmer implements Runnable {

    static final int ROUNDS = 150;
    static final long BUDGET_NANOS = 20_000_000_000L;

    /** Expressions like real cells, evaluated the way {@link JShellEvaluator} does (see its valueAssignment). */
    private static final String[] EXPRESSIONS = {
        "1 + %d", "Math.max(%d, 2)", "\"abc\".repeat(%d % 3)", "java.util.List.of(%d).size()",
    };

    /** Declarations and a void call: the other kinds of snippets. */
    private static final String[] STATEMENTS = {"int w = %d;", "Thread.onSpinWait();"};

    /** Every kind of snippet the direct path compiles, as cells have them. */
    private static final String[] DIRECT = {"1 + %d", "var v%d = %d * 2;", "int f%d(int x) { return x + %d; }",
        "class C%d { int v = %d; }", "Thread.onSpinWait()", "for (int i = 0; i < %d % 3; i++) { }", "List<String> l%d = List.of(\"%d\");"};

    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final ReentrantLock userSession;
    private final AtomicLong lastUserActivity;
    private final Iterable<String> classPath;
    private final int rounds;
    private final boolean direct;
    private final AtomicInteger evaluated = new AtomicInteger();

    CompilerWarmer(ReentrantLock userSession, AtomicLong lastUserActivity, Iterable<String> classPath, int rounds, boolean direct) {
        this.userSession = userSession;
        this.lastUserActivity = lastUserActivity;
        this.classPath = classPath;
        this.rounds = rounds;
        this.direct = direct;
    }

    /** Snippets evaluated so far (for tests). */
    int evaluated() {
        return evaluated.get();
    }

    static boolean enabled() {
        return !"0".equals(System.getenv("JBOX_WARMUP"));
    }

    /** Starts warming on a daemon thread. */
    static void start(ReentrantLock userSession, AtomicLong lastUserActivity, Iterable<String> classPath, boolean direct) {
        if (!enabled()) {
            return;
        }
        Thread t = new Thread(new CompilerWarmer(userSession, lastUserActivity, classPath, ROUNDS, direct), "jbox-compiler-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    @Override
    public void run() {
        try {
            if (direct) {
                warmDirectPath();
            } else {
                warmJShell();
            }
        } catch (RuntimeException | InterruptedException | ExecutionControl.ExecutionControlException | IOException e) {
            // warming is an optimisation only
        }
    }

    /** Compiles and loads (without running) snippets of every kind in a session of its own. */
    private void warmDirectPath() throws InterruptedException, ExecutionControl.ExecutionControlException, IOException {
        long deadline = System.nanoTime() + BUDGET_NANOS;
        InProcessExecution execution = new InProcessExecution(new SnippetLoader(CompilerWarmer.class.getClassLoader()));
        Map<String, byte[]> classes = DirectPath.newClassFileMap();
        StandardJavaFileManager files = ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, null, null);
        List<File> entries = new ArrayList<>();
        classPath.forEach(e -> entries.add(new File(e)));
        files.setLocation(StandardLocation.CLASS_PATH, entries);
        DirectPath path = new DirectPath(execution, new SessionCompiler(new ReplFileManager(files, classes, n -> null)), classes,
                new SessionNames(), DirectPath.JShellSide.NONE);
        JShellEvaluator.DEFAULT_IMPORTS.forEach(path::addImport);
        path.learnImports(); // compile as the user's cells do, with only the imports they use
        for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
            for (String template : DIRECT) {
                awaitIdleUser();
                String snippet = template.replace("%d", Integer.toString(round));
                path.prepare(snippet, SnippetShape.of(snippet));
                evaluated.incrementAndGet();
            }
        }
    }

    private void warmJShell() throws InterruptedException {
        long deadline = System.nanoTime() + BUDGET_NANOS;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        // Set up like the user's session (same execution engine, same class path), so the JIT sees the same paths.
        InProcessExecution execution = new InProcessExecution(new SnippetLoader(CompilerWarmer.class.getClassLoader()));
        try (JShell js = JShell.builder().executionEngine(new InProcessExecution.Provider(execution), Map.of())
                .in(InputStream.nullInputStream()).out(quiet).err(quiet).build()) {
            for (String entry : classPath) {
                js.addToClasspath(entry);
            }
            SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
            js.eval(JShellEvaluator.VALUE_DECLARATION);
            for (int round = 0; round < rounds && System.nanoTime() < deadline; round++) {
                String n = Integer.toString(round);
                for (String e : EXPRESSIONS) {
                    awaitIdleUser();
                    String expression = e.replace("%d", n);
                    analysis.analyzeCompletion(expression);
                    js.eval(JShellEvaluator.assignValue(expression));
                    evaluated.incrementAndGet();
                }
                for (String st : STATEMENTS) {
                    awaitIdleUser();
                    js.eval(st.replace("%d", n));
                    evaluated.incrementAndGet();
                }
                if (round % 10 == 0) {
                    awaitIdleUser();
                    analysis.completionSuggestions("Str", 3, new int[1]);
                }
            }
        }
    }

    /** Waits until the user's session is quiet: the warm-up must never slow a cell down. */
    private void awaitIdleUser() throws InterruptedException {
        awaitQuiet(userSession, lastUserActivity, QUIET_NANOS, () -> false);
    }

    /**
     * Waits until no cell holds {@code userSession} and none was used ({@code lastUse}, a {@link System#nanoTime()})
     * for {@code quietNanos}, or until {@code stopWaiting} says so. Background work of the evaluator calls it
     * between its steps.
     */
    static void awaitQuiet(ReentrantLock userSession, AtomicLong lastUse, long quietNanos, BooleanSupplier stopWaiting)
            throws InterruptedException {
        while (!stopWaiting.getAsBoolean()
                && (userSession.isLocked() || System.nanoTime() - lastUse.get() < quietNanos)) {
            Thread.sleep(20);
        }
    }
}
