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
