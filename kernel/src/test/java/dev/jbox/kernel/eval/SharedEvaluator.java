package dev.jbox.kernel.eval;

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
}
