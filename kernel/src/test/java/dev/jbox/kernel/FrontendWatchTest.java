package dev.jbox.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which environments get a frontend watch (its effect is tested with real frontends in tests/kernel). */
class FrontendWatchTest {

    private static boolean watches(Map<String, String> env) {
        return FrontendWatch.fromEnvironment(env, pid -> { }).isPresent();
    }

    @Test
    void aKernelStartedByHandIsNotWatched() {
        assertFalse(watches(Map.of()));
        assertFalse(watches(Map.of("JPY_PARENT_PID", " ")));
    }

    @Test
    void aBadOrInitParentPidIsNotWatched() {
        assertFalse(watches(Map.of("JPY_PARENT_PID", "not-a-pid")));
        assertFalse(watches(Map.of("JPY_PARENT_PID", "1")));
    }

    @Test
    void aFrontendPidIsWatchedWhetherOrNotItIsAnAncestor() {
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertTrue(watches(Map.of("JPY_PARENT_PID", Long.toString(parent))));
        // From another pid namespace, say: then only re-parenting is watched, but watched it is.
        assertTrue(watches(Map.of("JPY_PARENT_PID", Long.toString(ProcessHandle.current().pid()))));
    }
}
