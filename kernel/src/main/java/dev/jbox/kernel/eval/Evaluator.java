package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs Java code in a persistent in-process JShell session. Knows nothing of the wire protocol:
 * output goes to the {@link CellOutput} of the request, results come back as values.
 * {@link #evaluate} is called from one thread at a time (the shell thread); {@link #interrupt()}
 * is called from another (the control thread).
 */
public interface Evaluator extends AutoCloseable {

    /**
     * Evaluates a cell (many snippets, in order). While it runs, {@code System.out}/{@code System.err}
     * of this thread and of threads it starts go to {@code output}, and {@code System.in} reads go to
     * {@code output.readInput}. Stops at the first error.
     */
    EvalResult evaluate(String code, CellOutput output);

    /** Evaluates one expression for {@code user_expressions}: its rendered value, or an error. */
    EvalResult evaluateExpression(String expression, CellOutput output);

    /** Stops the running evaluation (infinite loops, sleeps, blocking reads) with an interrupt error. */
    void interrupt();

    /** Completion candidates at {@code cursor} (a UTF-16 index into {@code code}). */
    Completion complete(String code, int cursor);

    /** Documentation for what is at {@code cursor}: signatures, and javadoc when available. */
    Optional<Inspection> inspect(String code, int cursor, int detailLevel);

    /** Whether {@code code} is a complete cell. */
    Completeness isComplete(String code);

    /**
     * Appends jars or class directories to the session's class path, for compiling and for running: the next
     * snippet (also later in the cell that called this) can import their classes, and threads that cells start see
     * them. Whatever was learnt from compiling earlier texts (the re-run cache) is forgotten. Called on the thread
     * that runs {@link #evaluate}, between snippets. The entries must exist; resolving them is the caller's job.
     *
     * <pre>{@code
     * evaluator.addToClassPath(List.of(Path.of("/home/me/.m2/repository/com/google/code/gson/gson/2.11.0/gson-2.11.0.jar")));
     * }</pre>
     */
    void addToClassPath(List<Path> entries);

    /**
     * The kernel runs work this evaluator does not see (a magic) until it is called again with {@code false}: the
     * evaluator's own background work (compiler warm-up, start-up that no cell waits for) holds back meanwhile, so
     * that the two do not share the CPU. Called from the thread that runs {@link #evaluate}.
     */
    default void runningElsewhere(boolean running) {
    }

    /** Renders any value the way an {@code execute_result} would (also used by {@code display(Object)}). */
    MimeBundle render(Object value);

    @Override
    void close();
}
