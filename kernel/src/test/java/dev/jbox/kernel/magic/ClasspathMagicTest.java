package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.JShellEvaluator;
import dev.jbox.kernel.testing.TestJars;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** %classpath on the real JShell evaluator: the next line of the same cell sees the jar; one version per artifact. */
class ClasspathMagicTest {

    @TempDir
    static Path dir;

    static MagicEvaluator ev;

    @BeforeAll
    static void start() {
        ev = new MagicEvaluator(new JShellEvaluator(List.of(MagicEvaluator.SESSION_IMPORT)));
    }

    @AfterAll
    static void stop() {
        ev.close();
    }

    private static String text(EvalResult r) {
        assertFalse(r.isError(), () -> "unexpected error: " + r.error());
        return r.value() == null ? null : (String) r.value().data().get("text/plain");
    }

    private static Path versioned(String name, String version) {
        return TestJars.jar(dir.resolve(name), Map.of("cpm/v/Lib.java", "package cpm.v; public class Lib { public static String v() { return \"" + version + "\"; } }"),
                Map.of("META-INF/maven/org.cpm/lib/pom.properties", "groupId=org.cpm\nartifactId=lib\nversion=" + version + "\n"));
    }

    @Test
    void theNextLineOfTheSameCellImportsTheJar() {
        Path jar = TestJars.jar(dir.resolve("midcell.jar"), Map.of("cpm/mid/Hi.java", "package cpm.mid; public class Hi { public static int x() { return 7; } }"));
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = ev.evaluate("int before = 6;\n%classpath " + jar + "\nimport cpm.mid.Hi;\nbefore * Hi.x()", out);
        assertEquals("42", text(r));
        assertTrue(text(ev.evaluate("%classpath", new RecordingCellOutput())).contains(jar + "  (%classpath " + jar + ")"));
        assertEquals("already on the class path: nothing added", text(ev.evaluate("%classpath " + jar, new RecordingCellOutput())));
    }

    @Test
    void aSecondVersionOfAJarThatNamesItsArtifactIsRefused() {
        Path one = versioned("lib-1.jar", "1");
        Path two = versioned("lib-2.jar", "2");
        assertEquals("added 1 entry: lib-1.jar", text(ev.evaluate("%classpath " + one, new RecordingCellOutput())));
        EvalResult refused = ev.evaluate("%classpath " + two, new RecordingCellOutput());
        assertTrue(refused.isError());
        assertTrue(refused.error().evalue().contains("lib-2.jar is org.cpm:lib:2, which conflicts with 1, on the class path since %classpath "),
                refused.error().evalue());
        assertEquals("\"1\"", text(ev.evaluate("cpm.v.Lib.v()", new RecordingCellOutput())));
        assertFalse(text(ev.evaluate("%classpath", new RecordingCellOutput())).contains("lib-2.jar"));
    }
}
