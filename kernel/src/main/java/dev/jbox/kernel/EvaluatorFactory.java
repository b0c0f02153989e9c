package dev.jbox.kernel;

import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.JShellEvaluator;
import dev.jbox.kernel.magic.MagicEvaluator;
import java.util.List;

/**
 * The one place that decides which {@link Evaluator} the kernel runs. A magics layer wraps the JShell one here,
 * e.g. {@code new MagicEvaluator(new JShellEvaluator(STARTUP), ...)}; the kernel only ever sees {@link Evaluator}.
 */
final class EvaluatorFactory {

    /** Extra snippets every session starts with (JShellEvaluator already imports the display API). */
    static final List<String> STARTUP = List.of(MagicEvaluator.SESSION_IMPORT, "import dev.jbox.client.*;");

    private EvaluatorFactory() {
    }

    /**
     * The sandbox of the magics is chosen by {@code JBOX_SANDBOX} (see {@code SandboxChoice}); the libraries of
     * {@code JBOX_MAVEN} are on the class path before the first cell.
     */
    static Evaluator create() {
        return create(null);
    }

    /** For the kernel session {@code session} ({@code kernel-<id>}): a local sandbox adopts what a dead one left. */
    static Evaluator create(String session) {
        MagicEvaluator evaluator = MagicEvaluator.fromEnvironment(new JShellEvaluator(STARTUP), System.getenv(), session);
        evaluator.warmUpInBackground(); // the first %bg then answers as fast as the later ones
        evaluator.addStartupLibraries(System.getenv("JBOX_MAVEN"));
        return evaluator;
    }
}
