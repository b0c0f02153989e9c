package dev.jbox.kernel.eval;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.locks.ReentrantLock;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Gets the JIT to compile javac before the user needs it. A fresh kernel evaluates a trivial cell in about 17 ms;
 * after a few hundred evaluations the same cell takes 6 ms, because javac's own code has then been compiled by the
 * JIT. This runs those evaluations in a throwaway JShell of its own (nothing touches the user's session) on a
 * background thread after start-up, and steps aside while the user's session is busy, so a cell never waits for
 * it. It stops after {@link #ROUNDS} rounds or {@link #BUDGET_NANOS} of wall-clock time, whichever comes first;
 * {@code JBOX_WARMUP=0} turns it off.
 */
final class CompilerWarmer implements Runnable {

    static final int ROUNDS = 150;
    static final long BUDGET_NANOS = 20_000_000_000L;

    /** Expressions like real cells, evaluated the way {@link JShellEvaluator} does (see its valueDeclaration). */
    private static final String[] EXPRESSIONS = {
        "1 + %d", "Math.max(%d, 2)", "\"abc\".repeat(%d % 3)", "java.util.List.of(%d).size()",
    };

    /** Declarations and a void call: the other kinds of snippets. */
    private static final String[] STATEMENTS = {"int w = %d;", "Thread.onSpinWait();"};

    private final ReentrantLock userSession;

    CompilerWarmer(ReentrantLock userSession) {
        this.userSession = userSession;
    }

    static boolean enabled() {
        return !"0".equals(System.getenv("JBOX_WARMUP"));
    }

    /** Starts warming on a daemon thread. */
    static void start(ReentrantLock userSession) {
        if (!enabled()) {
            return;
        }
        Thread t = new Thread(new CompilerWarmer(userSession), "jbox-compiler-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    @Override
    public void run() {
        long deadline = System.nanoTime() + BUDGET_NANOS;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (JShell js = JShell.builder().executionEngine("local").in(InputStream.nullInputStream()).out(quiet).err(quiet).build()) {
            SourceCodeAnalysis analysis = js.sourceCodeAnalysis();
            for (int round = 0; round < ROUNDS && System.nanoTime() < deadline; round++) {
                String n = Integer.toString(round);
                for (String e : EXPRESSIONS) {
                    awaitIdleUser();
                    String expression = e.replace("%d", n);
                    analysis.analyzeCompletion(expression);
                    analysis.sourceToSnippets(expression);
                    js.eval("Object $w = (" + expression + "\n);");
                }
                for (String st : STATEMENTS) {
                    awaitIdleUser();
                    js.eval(st.replace("%d", n));
                }
                if (round % 10 == 0) {
                    awaitIdleUser();
                    analysis.completionSuggestions("Str", 3, new int[1]);
                }
            }
        } catch (RuntimeException | InterruptedException e) {
            // warming is an optimisation only
        }
    }

    /** Waits while the user's session evaluates something: the warm-up must never slow a cell down. */
    private void awaitIdleUser() throws InterruptedException {
        while (userSession.isLocked()) {
            Thread.sleep(20);
        }
    }
}
