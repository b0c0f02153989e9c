package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jbox.kernel.display.RecordingCellOutput;
import java.util.List;

/** One JShell for all evaluation tests in this JVM (starting one costs a second or two); names in tests are unique. */
final class SharedEvaluator {

    private static JShellEvaluator instance;

    private SharedEvaluator() {
    }

    static synchronized JShellEvaluator get() {
        if (instance == null) {
            instance = new JShellEvaluator(List.of("import dev.jbox.kernel.display.*;"));
        }
        return instance;
    }

    /** Runs {@code code} as a cell of the shared session, its output discarded. */
    static EvalResult run(String code) {
        return get().evaluate(code, new RecordingCellOutput());
    }

    /** The text/plain value of a cell that must have succeeded with a value. */
    static String text(EvalResult r) {
        assertNull(r.error(), () -> "unexpected error " + r.error());
        assertNotNull(r.value(), "the cell has no value");
        return (String) r.value().data().get("text/plain");
    }
}
