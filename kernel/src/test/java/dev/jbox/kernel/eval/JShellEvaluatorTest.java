package dev.jbox.kernel.eval;

import static dev.jbox.kernel.eval.SharedEvaluator.run;
import static dev.jbox.kernel.eval.SharedEvaluator.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.display.RecordingCellOutput;
import java.util.List;
import org.junit.jupiter.api.Test;

class JShellEvaluatorTest {

    private final JShellEvaluator ev = SharedEvaluator.get();

    @Test
    void lastExpressionOfAMultiSnippetCellIsTheResult() {
        assertEquals("42", text(run("int ea = 20;\nint eb = 22;\n// a comment\nea + eb")));
    }

    @Test
    void cellEndingWithAStatementOrDeclarationHasNoValue() {
        EvalResult r = run("int nv = 1;\nnv++;\nint nw = nv;");
        assertNull(r.error());
        assertNull(r.value());
        assertEquals("2", text(run("nw")));
    }

    @Test
    void variablesMethodsAndClassesPersistAndCanBeRedefined() {
        run("int rv = 1;\nint rm() { return 1; }\nclass RC { int v() { return 1; } }");
        assertEquals("3", text(run("rv + rm() + new RC().v()")));
        run("String rv = \"now a string\";");
        run("int rm() { return 20; }");
        run("class RC { int v() { return 300; } }");
        assertEquals("\"now a string\"", text(run("rv")));
        assertEquals("320", text(run("rm() + new RC().v()")));
    }

    @Test
    void importsPersist() {
        run("import java.util.concurrent.atomic.AtomicLong;");
        assertEquals("5", text(run("new AtomicLong(5).get()")));
    }

    @Test
    void valuesShowAsJShellShowsThem() {
        assertEquals("\"h\u00e9\\n\"", text(run("\"h\u00e9\\n\"")));
        assertEquals("'c'", text(run("'c'")));
        assertEquals("int[3] { 1, 2, 3 }", text(run("new int[] {1, 2, 3}")));
        assertEquals("null", text(run("(Object) null")));
        assertEquals("7", text(run("int av = 3;\nav = 7")));
    }

    @Test
    void mimeRenderableObjectsSupplyTheirBundle() {
        MimeBundle b = run("""
                record Money(long cents) implements MimeRenderable {
                    public MimeBundle toMimeBundle() {
                        return MimeBundle.of("text/html", "<b>" + cents / 100 + " EUR</b>");
                    }
                }
                new Money(1200)""").value();
        assertEquals("<b>12 EUR</b>", b.data().get("text/html"));
        assertEquals("Money[cents=1200]", b.data().get("text/plain"));
    }

    @Test
    void compileErrorShowsTheLineAndACaretUnderTheError() {
        EvalResult r = run("int ce1 = 1;\nint ce2 = \"text\";");
        assertEquals("CompileError", r.error().ename());
        assertTrue(r.error().evalue().contains("incompatible types"), r.error().evalue());
        List<String> tb = r.error().traceback();
        assertTrue(tb.get(0).startsWith("line 2: error: incompatible types"), tb.toString());
        String source = tb.get(1);
        String caret = tb.get(2);
        assertEquals("    int ce2 = \"text\";", source);
        assertEquals(source.indexOf('"'), caret.indexOf('^'), "caret under the string literal: " + tb);
    }

    @Test
    void unknownSymbolIsReportedWithItsName() {
        EvalResult r = run("undefinedThing + 1");
        assertEquals("CompileError", r.error().ename());
        assertTrue(String.join("\n", r.error().traceback()).contains("symbol:   variable undefinedThing"), r.error().traceback().toString());
    }

    @Test
    void runtimeExceptionShowsOnlyTheUsersFrames() {
        EvalResult r = run("void thrower(int n) {\n  if (n == 0) throw new IllegalStateException(\"boom\");\n  thrower(n - 1);\n}\nthrower(1)");
        assertEquals("java.lang.IllegalStateException", r.error().ename());
        assertEquals("boom", r.error().evalue());
        List<String> tb = r.error().traceback();
        assertEquals("java.lang.IllegalStateException: boom", tb.get(0));
        assertEquals("    at thrower (line 2)", tb.get(1));
        assertEquals("    at thrower (line 3)", tb.get(2));
        assertEquals("    at (line 5)", tb.get(3));
        assertEquals(4, tb.size(), tb.toString());
        String all = String.join("\n", tb);
        assertFalse(all.contains("dev.jbox") || all.contains("jdk.jshell") || all.contains("REPL."), all);
    }

    @Test
    void framesOfLaterSnippetsNameTheirLineInTheCell() {
        // JShell hands each snippet over with the blank lines before it; they must not shift the line numbers.
        EvalResult r = run("int fl = 1;\n\nvoid failsLater() {\n  int a = 0;\n  throw new IllegalStateException(\"late\");\n}\nfailsLater()");
        assertEquals(List.of("java.lang.IllegalStateException: late", "    at failsLater (line 5)", "    at (line 7)"),
                r.error().traceback());
    }

    @Test
    void compileErrorInALaterSnippetNamesItsCellLine() {
        EvalResult r = run("int cl1 = 1;\n\nint cl2 = 2;\n  cl2 = \"s\";");
        List<String> tb = r.error().traceback();
        assertTrue(tb.get(0).startsWith("line 4: error: incompatible types"), tb.toString());
        assertTrue(tb.get(1).strip().equals("cl2 = \"s\";"), tb.toString());
        assertEquals(tb.get(1).indexOf('"'), tb.get(2).indexOf('^'), tb.toString());
    }

    @Test
    void aFailingCellReportsExactlyOneErrorAndNothingElse() {
        for (String cell : List.of("int oe = \"x\";", "Object oe2 = null;\noe2.hashCode()", "throw new RuntimeException(\"once\");")) {
            RecordingCellOutput out = new RecordingCellOutput();
            EvalResult r = ev.evaluate(cell, out);
            assertTrue(r.isError(), cell);
            assertNull(r.value(), cell);
            assertEquals("", out.stderr(), () -> "the error must not also be written to stderr: " + cell);
            assertEquals("", out.stdout(), cell);
            assertEquals(List.of(), out.events(), cell);
        }
    }

    @Test
    void outputOnlyCellHasNoValue() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = ev.evaluate("System.out.println(\"only output\")", out);
        assertNull(r.error());
        assertNull(r.value(), "println is a void expression: no execute_result");
        assertEquals("only output\n", out.stdout());
    }

    @Test
    void libraryFramesAboveTheUsersCodeAreKept() {
        EvalResult r = run("Integer.parseInt(\"zz\")");
        assertEquals("java.lang.NumberFormatException", r.error().ename());
        String tb = String.join("\n", r.error().traceback());
        assertTrue(tb.contains("java.lang.Integer.parseInt"), tb);
        assertFalse(tb.contains("jdk.jshell") || tb.contains("dev.jbox") || tb.contains("reflect"), tb);
    }

    @Test
    void evaluationStopsAtTheFirstErrorAndKeepsEarlierDefinitions() {
        EvalResult r = run("int sb = 1;\nint sx = 1 / 0;\nint sa = 2;");
        assertEquals("java.lang.ArithmeticException", r.error().ename());
        assertEquals("1", text(run("sb")));
        assertEquals("CompileError", run("sa").error().ename());
    }

    @Test
    void unresolvedReferencesAreExplained() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult def = ev.evaluate("void needsLater() { laterMethod(); }", out);
        assertNull(def.error());
        assertTrue(out.stderr().contains("method needsLater() was created, but it cannot be invoked until method laterMethod() is declared"), out.stderr());
        EvalResult call = run("needsLater()");
        assertEquals("UnresolvedReference", call.error().ename());
        assertTrue(call.error().evalue().contains("until method laterMethod() is declared"), call.error().evalue());
        run("void laterMethod() { }");
        assertNull(run("needsLater()").error());
    }

    @Test
    void incompleteCellIsACompileError() {
        EvalResult r = run("int inc = (1 + ");
        assertEquals("CompileError", r.error().ename());
    }

    @Test
    void userExpressionsEvaluateToARenderedValue() {
        run("int ue = 6;");
        assertEquals("36", text(ev.evaluateExpression("ue * ue", new RecordingCellOutput())));
        assertEquals("CompileError", ev.evaluateExpression("ue +", new RecordingCellOutput()).error().ename());
    }

    @Test
    void expressionCellsDoNotPileUpSnippetsThatSlowDownLaterCells() {
        run("int pile = 0;");
        for (int i = 0; i < 5; i++) {
            text(run("pile + " + i)); // the first ones may define the value variable
        }
        long before = ev.activeDeclarations();
        for (int i = 0; i < 40; i++) {
            assertEquals(Integer.toString(i + 1), text(run("pile + 1 + " + i)));
        }
        assertEquals(before, ev.activeDeclarations(), "40 expression cells declared nothing that later cells import");
    }

    @Test
    void expressionValuesOfEveryKindShowAsBefore() {
        assertEquals("'c'", text(run("'c'")));
        assertEquals("2.5", text(run("5 / 2.0")));
        assertEquals("3000000000", text(run("3_000_000_000L")));
        assertEquals("2.0", text(run("2.0f")));
        assertEquals("true", text(run("1 < 2")));
        assertEquals("null", text(run("null")));
        assertEquals("int[3] { 1, 2, 3 }", text(run("new int[] {1, 2, 3}")));
        assertEquals("[1, 2]", text(run("List.of(1, 2)")));
        assertEquals("2", text(run("1 + 1 // a trailing comment")));
        assertEquals("3", text(run("1 +\n  2;")));
        assertEquals("\"last\"", text(run("\"la\" + \"st\"")));
        assertEquals("\"last\"", text(run(JShellEvaluator.VALUE_VARIABLE)), "the last value stays reachable");
    }

    @Test
    void theValueVariableIsTheKernelsEvenAfterAUserDeclaresIt() {
        assertEquals("41", text(run("40 + 1")));
        assertEquals("42", text(run("(Integer) " + JShellEvaluator.VALUE_VARIABLE + " + 1")), "the last value takes part in expressions");
        assertEquals("42", text(run(JShellEvaluator.VALUE_VARIABLE)));
        run("String " + JShellEvaluator.VALUE_VARIABLE + " = \"mine\";");
        assertEquals("\"mine\"", text(run(JShellEvaluator.VALUE_VARIABLE)));
        assertEquals("7", text(run("3 + 4")), "the kernel declares its variable again");
        assertEquals("7", text(run(JShellEvaluator.VALUE_VARIABLE)));
    }

    @Test
    void expressionsThatCannotBeAValueRunAsWritten() {
        EvalResult unresolved = run("notDefinedAnywhere + 1");
        assertNotNull(unresolved.error());
        assertEquals("CompileError", unresolved.error().ename());
        assertTrue(String.join("\n", unresolved.error().traceback()).contains("notDefinedAnywhere + 1"), unresolved.error().traceback().toString());
        EvalResult lambda = run("x -> x");
        assertNotNull(lambda.error(), "a lambda without a target type is an error, as in JShell");
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult voidCall = ev.evaluate("System.out.println(\"printed\")", out);
        assertNull(voidCall.error());
        assertNull(voidCall.value(), "a void call has no value");
        assertEquals("printed\n", out.stdout());
        EvalResult thrown = run("int boom() { throw new IllegalStateException(\"boom\"); }\n\nboom() + 1");
        assertNotNull(thrown.error());
        assertEquals("java.lang.IllegalStateException", thrown.error().ename());
        assertTrue(String.join("\n", thrown.error().traceback()).contains("line 3"),
                "the failing expression is named by its line: " + thrown.error().traceback());
    }

    @Test
    void reRunCellsFollowRedefinitions() {
        run("int flip() { return 1; }");
        assertEquals("1", text(run("flip()")));
        run("void flip() { }");
        EvalResult nowVoid = run("flip()");
        assertNull(nowVoid.error(), () -> "" + nowVoid.error());
        assertNull(nowVoid.value(), "a void method has no value any more");
        run("String flip() { return \"back\"; }");
        assertEquals("\"back\"", text(run("flip()")));
    }
}
