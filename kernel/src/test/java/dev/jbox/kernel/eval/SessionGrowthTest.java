package dev.jbox.kernel.eval;

import static dev.jbox.kernel.eval.SharedEvaluator.run;
import static dev.jbox.kernel.eval.SharedEvaluator.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What keeps a long session fast and small: declarations do not pile up in JShell, a compilation sees only the
 * classes its cell mentions, and a replaced variable's old value can be collected.
 */
class SessionGrowthTest {

    private final JShellEvaluator ev = SharedEvaluator.get();

    @Test
    void declarationCellsNeitherGrowJShellNorWhatACompilationSees() {
        run("int growthBase = 1;");
        long jshellBefore = ev.jshellSnippetCount();
        int visibleEarly = 0;
        for (int i = 0; i < 300; i++) {
            assertEquals(Integer.toString(2 * i + 1), text(run("var growth" + i + " = " + i + " * 2;\ngrowth" + i + " + growthBase")));
            if (i == 10) {
                visibleEarly = ev.lastCompilationClassCount();
            }
        }
        assertEquals(jshellBefore, ev.jshellSnippetCount(), "no declaration went to JShell");
        assertEquals(visibleEarly, ev.lastCompilationClassCount(), "the 300th cell's compilation saw as many session classes as the 10th");
    }

    /** A var declaration whose type was guessed right takes one compilation; a wrong or missing guess, two. */
    @Test
    void aVarDeclarationTakesOneCompilationWhenItsTypeWasGuessedRight() {
        run("String onceName(int n) { return \"n\" + n; }");
        assertEquals(1, compilations("var once1 = 6 * 7;"), "a literal's type");
        assertEquals(1, compilations("var once2 = new StringBuilder(\"x\");"), "a constructed type");
        assertEquals(2, compilations("var once3 = onceName(1);"), "a call, the first time");
        assertEquals(1, compilations("var once4 = onceName(2);"), "the same call again");
        assertEquals(2, compilations("var once5 = Math.max(1, 2) > 0 ? 1L : 0L;"), "nothing to guess from");
        run("class OncePt { int x = 3; }");
        run("OncePt oncePt() { return new OncePt(); }");
        assertEquals(2, compilations("var once6 = oncePt();"), "a call of a method returning a session class, the first time");
        assertEquals(1, compilations("var once7 = oncePt();"), "again: the learned type names a class the cell does not");
        assertEquals("3", text(run("once7.x")));
        assertEquals("\"n2\"", text(run("once4")));
        assertEquals("\"42 x n1 1\"", text(run("once1 + \" \" + once2 + \" \" + once3 + \" \" + once5")));
    }

    private long compilations(String cell) {
        long before = ev.directCompilationCount();
        run(cell);
        return ev.directCompilationCount() - before;
    }

    @Test
    void aReplacedVariablesOldValueCanBeCollected() throws Exception {
        run("Object heldValue = new int[1_000_000];");
        run("java.lang.ref.WeakReference<Object> heldProbe = new java.lang.ref.WeakReference<>(heldValue);");
        run("Object heldValue = \"replaced\";");
        boolean collected = false;
        for (int i = 0; i < 20 && !collected; i++) {
            System.gc();
            Thread.sleep(50);
            collected = "true".equals(text(run("heldProbe.get() == null")));
        }
        assertTrue(collected, "the old value is still reachable");
        assertEquals("\"replaced\"", text(run("heldValue")));
    }
}
