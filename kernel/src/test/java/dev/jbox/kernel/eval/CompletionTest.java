package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.display.RecordingCellOutput;
import dev.jbox.kernel.eval.Completeness.Status;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** complete, is_complete and inspect on the real JShell analysis. */
class CompletionTest {

    private final JShellEvaluator ev = SharedEvaluator.get();

    @Test
    void memberCompletionReplacesThePrefixAfterTheDot() {
        String code = "Math.ma";
        Completion c = ev.complete(code, code.length());
        assertTrue(c.matches().stream().anyMatch(m -> m.startsWith("max")), c.matches().toString());
        assertTrue(c.matches().stream().allMatch(m -> m.startsWith("ma")), c.matches().toString());
        assertEquals("Math.".length(), c.cursorStart());
        assertEquals(code.length(), c.cursorEnd());
    }

    @Test
    void completionInTheMiddleOfACellUsesTheCursor() {
        String code = "int a = 1;\nMath.ab\nint b = 2;";
        int cursor = code.indexOf("Math.ab") + "Math.ab".length();
        Completion c = ev.complete(code, cursor);
        assertTrue(c.matches().stream().anyMatch(m -> m.startsWith("abs")), c.matches().toString());
        assertEquals(cursor - 2, c.cursorStart());
        assertEquals(cursor, c.cursorEnd());
    }

    @Test
    void variablesOfEarlierCellsAreCompleted() {
        assertNull(ev.evaluate("int completionTarget42 = 1;", new RecordingCellOutput()).error());
        String code = "1 + completionTar";
        Completion c = ev.complete(code, code.length());
        assertTrue(c.matches().contains("completionTarget42"), c.matches().toString());
        assertEquals("1 + ".length(), c.cursorStart());
        assertEquals(code.length(), c.cursorEnd());
    }

    @Test
    void nothingMatchesAnUnknownPrefix() {
        String code = "zzqNoSuchName";
        assertEquals(0, ev.complete(code, code.length()).matches().size());
    }

    @Test
    void isCompleteKnowsCompleteIncompleteAndInvalid() {
        assertEquals(Status.COMPLETE, ev.isComplete("int x = 1;").status());
        assertEquals(Status.COMPLETE, ev.isComplete("int x = 1;\nx + 1").status());
        Completeness open = ev.isComplete("for (int i = 0; i < 3; i++) {");
        assertEquals(Status.INCOMPLETE, open.status());
        assertEquals("    ", open.indent());
        assertEquals(Status.INCOMPLETE, ev.isComplete("int y = 1;\nint z = (y +").status());
        assertEquals(Status.INVALID, ev.isComplete("int x = 1;\n)").status());
    }

    @Test
    void inspectingAClassGivesItsDocumentation() {
        Optional<Inspection> doc = ev.inspect("String", "String".length(), 0);
        assertTrue(doc.isPresent(), "no documentation for String");
        assertTrue(doc.get().plainText().contains("java.lang.String"), doc.get().plainText());
    }

    @Test
    void inspectingAMethodGivesItsSignatures() {
        Optional<Inspection> doc = ev.inspect("Math.max", "Math.max".length(), 0);
        assertTrue(doc.isPresent(), "no documentation for Math.max");
        String text = doc.get().plainText();
        assertTrue(text.contains("max(int") && text.contains("max(double"), text);
        assertTrue(doc.get().html().contains("<code>"), doc.get().html());
    }

    @Test
    void inspectingWithTheCursorInsideANameFindsIt() {
        String code = "Math.max(1, 2)";
        Optional<Inspection> doc = ev.inspect(code, 6, 0); // the cursor between "m" and "a" of max
        assertTrue(doc.isPresent());
        assertTrue(doc.get().plainText().contains("max("), doc.get().plainText());
    }

    @Test
    void inspectingAUserMethodShowsItsSignature() {
        assertNull(ev.evaluate("int twiceOf(int n) { return 2 * n; }", new RecordingCellOutput()).error());
        Optional<Inspection> doc = ev.inspect("twiceOf", "twiceOf".length(), 0);
        assertTrue(doc.isPresent());
        assertTrue(doc.get().plainText().contains("twiceOf(int n)"), doc.get().plainText());
    }

    @Test
    void inspectingNothingKnownGivesNothing() {
        assertFalse(ev.inspect("zzqNoSuchName", "zzqNoSuchName".length(), 0).isPresent());
    }
}
