package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.kernel.eval.EvalResult;
import dev.jbox.kernel.eval.JShellEvaluator;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decorator around the real JShell evaluator: splitting with JShell's completeness, Java seeing the session. */
class MagicsWithJShellTest {

    @TempDir
    static Path dir;

    static MagicEvaluator ev;

    @BeforeAll
    static void start() {
        ev = new MagicEvaluator(new JShellEvaluator(List.of(MagicEvaluator.SESSION_IMPORT)),
                () -> Sandbox.local(LocalOptions.defaults().workDir(dir)));
    }

    @AfterAll
    static void stop() {
        ev.close();
    }

    private static String value(EvalResult r) {
        assertFalse(r.isError(), () -> "unexpected error: " + r.error());
        return r.value() == null ? null : (String) r.value().data().get("text/plain");
    }

    @Test
    void javaAndMagicsShareTheSession() throws Exception {
        RecordingCellOutput out = new RecordingCellOutput();
        value(ev.evaluate("%bg --name fromMagic echo magic-out", out));
        value(ev.evaluate("%wait fromMagic", new RecordingCellOutput()));
        assertEquals("\"magic-out\\n\"", value(ev.evaluate("jobs().get(\"fromMagic\").stdout()", new RecordingCellOutput())));
        value(ev.evaluate("var h = sandbox().commands().start(\"echo java-out\"); h.waitFor();", new RecordingCellOutput()));
        String ps = value(ev.evaluate("%ps", new RecordingCellOutput()));
        assertTrue(ps.contains("echo java-out"), ps);
    }

    @Test
    void bangInsideAMultiLineExpressionIsJava() {
        RecordingCellOutput out = new RecordingCellOutput();
        String cell = "boolean done = false;\nString s = done\n    ? \"yes\"\n    : \"no\";\nboolean t = true;\nboolean f = t &&\n!done;\nf";
        assertEquals("true", value(ev.evaluate(cell, out)));
        RecordingCellOutput shell = new RecordingCellOutput();
        value(ev.evaluate("int n = 3;\n!echo shell-$((1+2))\nn * 2", shell));
        assertEquals("shell-3\n", shell.text("stdout"));
    }

    @Test
    void javaErrorStopsTheRestOfTheCell() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = ev.evaluate("int k = 1 / 0;\n!echo should-not-run", out);
        assertTrue(r.isError());
        assertEquals("", out.text("stdout"));
    }

    @Test
    void completionInsideJavaBetweenMagics() {
        String code = "%ps\nint q = 1;\n\"x\".toUpperC";
        var c = ev.complete(code, code.length());
        assertTrue(c.matches().stream().anyMatch(m -> m.startsWith("toUpperCase")), c.matches().toString());
        assertEquals(code.length() - "toUpperC".length(), c.cursorStart());
    }
}
