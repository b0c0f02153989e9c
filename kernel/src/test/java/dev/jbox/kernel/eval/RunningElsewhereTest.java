package dev.jbox.kernel.eval;

import static dev.jbox.kernel.eval.SharedEvaluator.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jbox.kernel.display.RecordingCellOutput;
import dev.jbox.kernel.testing.TestJars;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Evaluator#runningElsewhere}: while a magic runs, JShell's start holds back, but not when the magic itself
 * needs JShell (%maven as a session's first cell adds to the class path, which goes through JShell).
 */
class RunningElsewhereTest {

    @Test
    void aMagicThatAddsToTheClassPathAsTheFirstCellDoesNotWaitForItself(@TempDir Path tmp) {
        JShellEvaluator ev = new JShellEvaluator(List.of());
        try {
            Path jar = TestJars.jar(tmp.resolve("first.jar"), Map.of("retest/First.java",
                    "package retest; public class First { public static int one() { return 1; } }"));
            // the timeout only guards against a hang (it was one: JShell's start waited for the magic that waited for it)
            assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
                ev.runningElsewhere(true);
                try {
                    ev.addToClassPath(List.of(jar));
                } finally {
                    ev.runningElsewhere(false);
                }
            });
            assertEquals("2", text(ev.evaluate("retest.First.one() + 1", new RecordingCellOutput())));
        } finally {
            ev.close();
        }
    }
}
