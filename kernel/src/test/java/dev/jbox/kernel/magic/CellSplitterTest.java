package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CellSplitterTest {

    private final JavaRecorder java = new JavaRecorder();
    private final CellSplitter splitter = new CellSplitter(c -> java.isComplete(c).status() != dev.jbox.kernel.eval.Completeness.Status.INCOMPLETE);

    @Test
    void cellMagicTakesTheWholeBody() {
        List<CellPart> parts = splitter.split("%%bg --name job\necho a\n%ps\n!ls\n");
        assertEquals(1, parts.size());
        CellPart.CellMagic m = assertInstanceOf(CellPart.CellMagic.class, parts.get(0));
        assertEquals("bg", m.name());
        assertEquals("--name job", m.args());
        assertEquals("echo a\n%ps\n!ls\n", m.body());
    }

    @Test
    void lineMagicsRunInOrderWithJava() {
        List<CellPart> parts = splitter.split("int x = 1;\n%bg sleep 1\nx++;\n!echo hi\n%ps --all");
        assertEquals(5, parts.size());
        assertEquals("int x = 1;\n", ((CellPart.Java) parts.get(0)).code());
        assertEquals(new CellPart.LineMagic("bg", "sleep 1", false, 11), parts.get(1));
        assertEquals("x++;\n", ((CellPart.Java) parts.get(2)).code());
        assertEquals(new CellPart.LineMagic("sh", "echo hi", false, 28), parts.get(3));
        assertEquals("ps", ((CellPart.LineMagic) parts.get(4)).name());
        assertEquals("--all", ((CellPart.LineMagic) parts.get(4)).args());
    }

    @Test
    void bangInsideAnUnfinishedExpressionStaysJava() {
        String cell = "boolean done = false;\nString s = done\n!done ? \"a\" : \"b\";\n";
        List<CellPart> parts = splitter.split(cell);
        assertEquals(1, parts.size());
        assertEquals(cell, ((CellPart.Java) parts.get(0)).code());
    }

    @Test
    void percentInsideATextBlockStaysJava() {
        String cell = "String t = \"\"\"\n%bg not a magic\n!nor this\n\"\"\";\n";
        List<CellPart> parts = splitter.split(cell);
        assertEquals(1, parts.size());
        assertInstanceOf(CellPart.Java.class, parts.get(0));
    }

    @Test
    void bangAfterACompleteStatementIsShell() {
        List<CellPart> parts = splitter.split("boolean done = true;\n!done");
        assertEquals(2, parts.size());
        assertEquals(new CellPart.LineMagic("sh", "done", false, 21), parts.get(1));
    }

    @Test
    void indentedOrSpacedLinesAreNotMagics() {
        List<CellPart> parts = splitter.split("int a = 5;\n  %bg x\n");
        assertEquals(1, parts.size());
        assertEquals(1, splitter.split("! ls").size());
        assertInstanceOf(CellPart.Java.class, splitter.split("! ls").get(0));
    }

    @Test
    void questionMarkAsksForHelp() {
        CellPart.LineMagic m = (CellPart.LineMagic) splitter.split("%bg?").get(0);
        assertTrue(m.help());
        assertEquals("bg", m.name());
        CellPart.CellMagic c = (CellPart.CellMagic) splitter.split("%%sh?\n").get(0);
        assertTrue(c.help());
    }

    @Test
    void plainJavaHasNoMagicMarker() {
        assertTrue(!CellSplitter.mayHoldMagic("int x = 5 % 3;\nx"));
        assertTrue(CellSplitter.mayHoldMagic("int x = 1;\n%ps"));
    }
}
