package dev.jbox.kernel.eval;

import static dev.jbox.kernel.eval.SharedEvaluator.run;
import static dev.jbox.kernel.eval.SharedEvaluator.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.display.RecordingCellOutput;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cell run again with the same text runs its compiled class again ({@link CompiledSnippets}): it must behave
 * exactly as compiling it again would, including after redefinitions, exceptions, interrupts and display calls.
 */
class RerunTest {

    private final JShellEvaluator ev = SharedEvaluator.get();

    @Test
    void aReRunRunsAgainWithoutAddingSnippets() {
        run("int counter = 0;");
        assertEquals("1", text(run("++counter")));
        long snippets = ev.snippetCount();
        for (int i = 2; i <= 20; i++) {
            assertEquals(Integer.toString(i), text(run("++counter")), "each re-run runs the expression again");
        }
        assertEquals(snippets, ev.snippetCount(), "re-runs did not go through JShell");
        assertEquals("20", text(run("counter")));
    }

    @Test
    void statementsRunAgainAndPrintTheCurrentState() {
        run("StringBuilder ticks = new StringBuilder();");
        String cell = "ticks.append('x');\nSystem.out.println(\"ticks \" + ticks)";
        for (String expected : List.of("ticks x\n", "ticks xx\n", "ticks xxx\n")) {
            RecordingCellOutput out = new RecordingCellOutput();
            EvalResult r = ev.evaluate(cell, out);
            assertNull(r.error());
            assertNull(r.value(), "a void call shows no value, also when re-run");
            assertEquals(expected, out.stdout());
        }
        long snippets = ev.snippetCount();
        ev.evaluate("for (int i = 0; i < 2; i++) ticks.append('y');", new RecordingCellOutput());
        ev.evaluate("for (int i = 0; i < 2; i++) ticks.append('y');", new RecordingCellOutput());
        assertEquals("\"xxxyyyy\"", text(run("ticks.toString()")));
        assertEquals(snippets + 2, ev.snippetCount(), "the loop compiled once; the value expression once");
    }

    @Test
    void reRunsFollowRedefinitionsOfMethodsVariablesAndClasses() {
        run("int rdm() { return 1; }\nint rdv = 10;\nclass Rdc { int v() { return 100; } }");
        String cell = "rdm() + rdv + new Rdc().v()";
        assertEquals("111", text(run(cell)));
        assertEquals("111", text(run(cell)));
        run("int rdm() { return 2; }");
        assertEquals("112", text(run(cell)));
        run("long rdv = 20;");
        assertEquals("122", text(run(cell)));
        run("class Rdc { int v() { return 300; } }");
        assertEquals("322", text(run(cell)));
        run("String rdv = \"s\";");
        assertEquals("\"2s300\"", text(run("rdm() + rdv + new Rdc().v()")));
        run("void rdm() { }");
        EvalResult nowInvalid = run(cell);
        assertEquals("CompileError", nowInvalid.error().ename(), "a void method no longer adds up");
    }

    @Test
    void aDeclarationInTheSameCellIsRedefinedOnEveryRun() {
        assertEquals("2", text(run("int same = 1;\nsame + 1")));
        run("same = 5");
        assertEquals("2", text(run("int same = 1;\nsame + 1")), "the declaration ran again, then the expression");
    }

    @Test
    void aReRunThatThrowsReportsTheSameErrorUntilTheStateChanges() {
        run("List<Integer> pending = new ArrayList<>();");
        String cell = "int unrelated = 1;\n\npending.get(0) * 2";
        String expression = "\n\npending.get(0) * 2";
        for (int i = 0; i < 3; i++) {
            EvalResult r = run(expression);
            assertEquals("java.lang.IndexOutOfBoundsException", r.error().ename(), "run " + i);
            assertTrue(r.error().traceback().get(r.error().traceback().size() - 1).contains("(line 3)"),
                    "run " + i + ": " + r.error().traceback());
        }
        run("pending.add(21);");
        assertEquals("42", text(run(expression)));
        assertEquals("42", text(run(cell)));
    }

    @Test
    void aReRunReportsTheSameTracebackAsTheFirstRun() {
        run("int deepThrow(int n) {\n  if (n == 0) {\n    throw new IllegalStateException(\"deep\",\n        new RuntimeException(\"root\"));\n  }\n  return deepThrow(n - 1);\n}");
        run("int laterDeclaration = 1;\nimport java.util.concurrent.atomic.*;\nclass LaterClass { }");
        String cell = "int unrelatedLine = 0;\n\nList.of(1).stream()\n    .mapToInt(i -> deepThrow(i))\n    .sum()";
        EvalResult first = run(cell);
        assertEquals("java.lang.IllegalStateException", first.error().ename());
        String expression = "\n\nList.of(1).stream()\n    .mapToInt(i -> deepThrow(i))\n    .sum()";
        EvalResult viaJShell = run(expression);
        EvalResult reRun = run(expression);
        assertEquals(first.error().traceback(), viaJShell.error().traceback());
        assertEquals(viaJShell.error().traceback(), reRun.error().traceback(), "frames of the re-run, its lambda and"
                + " an earlier cell's method are translated as JShell translates them");
        String tb = String.join("\n", reRun.error().traceback());
        assertTrue(tb.contains("at deepThrow (line 3 of an earlier cell)") && tb.contains("(line 4)")
                && tb.contains("Caused by: java.lang.RuntimeException: root"), tb);
    }

    @Test
    void theValueVariableHoldsTheLastValueAlsoAfterReRunningAnOlderCell() {
        String a = "\"A\" + 1";
        String b = "\"B\" + 2";
        assertEquals("\"A1\"", text(run(a)));
        assertEquals("\"B2\"", text(run(b)));
        assertEquals("\"A1\"", text(run(a)));
        assertEquals("\"A1\"", text(run(JShellEvaluator.VALUE_VARIABLE)));
        assertEquals("\"B2\"", text(run(b)));
        assertEquals("\"B2\"", text(run(JShellEvaluator.VALUE_VARIABLE)));
        assertEquals("\"B2\"", text(run(JShellEvaluator.VALUE_VARIABLE)), "reading it is not a new value");
    }

    @Test
    void aDisplayCallShowsItsOutputOnEveryRunAndNoValue() {
        for (int i = 0; i < 2; i++) {
            RecordingCellOutput out = new RecordingCellOutput();
            EvalResult r = ev.evaluate("display(\"shown\")", out);
            assertNull(r.error());
            assertNull(r.value(), "a display id is not shown as a value");
            assertEquals(1, out.events().size(), out.events().toString());
        }
    }

    @Test
    void aReRunCanBeInterrupted() throws Exception {
        for (int i = 0; i < 2; i++) {
            RecordingCellOutput out = new RecordingCellOutput();
            CompletableFuture<EvalResult> result = CompletableFuture.supplyAsync(
                    () -> ev.evaluate("System.out.println(\"sleeping\");\nThread.sleep(600_000)", out));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!out.stdout().contains("sleeping")) {
                assertTrue(System.nanoTime() < deadline, "the cell did not start");
                Thread.sleep(10);
            }
            Thread.sleep(50);
            ev.interrupt();
            EvalResult r = result.get(30, TimeUnit.SECONDS);
            assertEquals("Interrupted", r.error().ename(), "run " + i);
        }
        assertEquals("3", text(run("1 + 2")), "the kernel keeps working");
    }
}
