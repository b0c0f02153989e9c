package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.eval.Completeness;
import dev.jbox.kernel.eval.Completion;
import dev.jbox.kernel.eval.EvalResult;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decorator's own behaviour, without processes (the sandbox factory fails if anything asks for one). */
class MagicEvaluatorTest {

    private final JavaRecorder java = new JavaRecorder();
    private final MagicEvaluator ev = new MagicEvaluator(java, () -> {
        throw new AssertionError("no sandbox expected");
    });
    private final RecordingCellOutput out = new RecordingCellOutput();

    @AfterEach
    void close() {
        ev.close();
    }

    @Test
    void plainJavaGoesThroughUntouched() {
        EvalResult r = ev.evaluate("int x = 5 % 3;", out);
        assertEquals(List.of("int x = 5 % 3;"), java.evaluated);
        assertEquals("java:int x = 5 % 3;", r.value().data().get("text/plain"));
    }

    @Test
    void unknownMagicRunsNothing() {
        EvalResult r = ev.evaluate("int a = 1;\n%config --rate-limit 1M\n%bgg sleep 1\nint b = 2;", out);
        assertTrue(r.isError());
        assertEquals("UsageError", r.error().ename());
        assertEquals("unknown magic %bgg (did you mean %bg?)", r.error().evalue());
        assertEquals(List.of("UsageError: unknown magic %bgg (did you mean %bg?)"), r.error().traceback());
        assertTrue(java.evaluated.isEmpty(), "no Java ran");
        assertEquals(MagicSession.DEFAULT_RATE, ev.session().rateLimit(), "no magic ran");
    }

    @Test
    void badOptionRunsNothing() {
        EvalResult r = ev.evaluate("int a = 1;\n%ps --jsn", out);
        assertTrue(r.isError());
        assertTrue(r.error().evalue().contains("--json"), r.error().evalue());
        assertTrue(java.evaluated.isEmpty());
    }

    @Test
    void magicsAndJavaRunInOrder() {
        EvalResult r = ev.evaluate("int a = 1;\n%config --rate-limit 1M\nint b = 2;", out);
        assertFalse(r.isError());
        assertEquals(List.of("int a = 1;\n", "int b = 2;"), java.evaluated);
        assertEquals(1 << 20, ev.session().rateLimit());
        assertEquals("java:int b = 2;", r.value().data().get("text/plain"));
        assertEquals(2, out.count("display"), "the intermediate values are displayed");
    }

    @Test
    void helpThreeWays() {
        String a = (String) ev.evaluate("%wait?", out).value().data().get("text/plain");
        String b = (String) ev.evaluate("%wait --help", out).value().data().get("text/plain");
        String c = (String) ev.evaluate("%help wait", out).value().data().get("text/plain");
        assertTrue(a.startsWith("Usage: %wait"), a);
        assertEquals(a, b);
        assertEquals(a, c.stripTrailing());
        String ls = (String) ev.evaluate("%lsmagic", out).value().data().get("text/plain");
        for (String n : List.of("%bg", "%%bg", "%ps", "%kill", "%logs", "%wait", "%sh", "%%sh", "%stdin", "%env", "%sandbox", "%config")) {
            assertTrue(ls.contains(n + " "), n + " in " + ls);
        }
    }

    @Test
    void envSetsWhatNewCommandsGet() {
        ev.evaluate("%env GREETING=\"hello world\"", out);
        assertEquals("hello world", ev.session().env().get("GREETING"));
        assertEquals("hello world", ev.evaluate("%env GREETING", out).value().data().get("text/plain"));
        assertEquals("hello world", ev.session().baseOptions().env().get("GREETING"));
        assertTrue(ev.evaluate("%env 1BAD=x", out).isError());
    }

    @Test
    void configRejectsBadRates() {
        EvalResult r = ev.evaluate("%config --rate-limit fast", out);
        assertEquals("%config: bad size 'fast': use e.g. 256K, 1M or a number of bytes", r.error().evalue());
    }

    @Test
    void completionKnowsNamesOptionsAndDelegatesJava() {
        Completion names = ev.complete("int x = 1;\n%w", 13);
        assertEquals(List.of("%wait"), names.matches());
        assertEquals(11, names.cursorStart());
        Completion cell = ev.complete("%%", 2);
        assertEquals(List.of("%%bg", "%%sh", "%%maven"), cell.matches());
        Completion opts = ev.complete("%bg --ti", 8);
        assertEquals(List.of("--timeout"), opts.matches());
        assertEquals(4, opts.cursorStart());
        Completion j = ev.complete("%ps\nStr", 7);
        assertEquals(List.of("java@3:Str"), j.matches());
        assertEquals(7, j.cursorStart());
    }

    @Test
    void isCompleteAndInspect() {
        assertEquals(Completeness.Status.COMPLETE, ev.isComplete("%%bg\nsleep 1").status());
        assertEquals(Completeness.Status.COMPLETE, ev.isComplete("%ps").status());
        assertEquals(Completeness.Status.INCOMPLETE, ev.isComplete("%ps\nif (true) {").status());
        assertEquals(Completeness.Status.INCOMPLETE, ev.isComplete("if (true) {").status());
        assertTrue(ev.inspect("%kill p1", 3, 0).orElseThrow().plainText().startsWith("Usage: %kill"));
        assertEquals("java doc", ev.inspect("String s;", 3, 0).orElseThrow().plainText());
    }

    @Test
    void interruptGoesToJavaWhenNoForegroundMagicRuns() {
        ev.interrupt();
        assertTrue(java.interrupted);
    }

    @Test
    void closeClosesTheDelegate() {
        ev.close();
        assertTrue(java.closed);
    }
}
