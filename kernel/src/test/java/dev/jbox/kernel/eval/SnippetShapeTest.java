package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.eval.SnippetShape.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tokens, the shapes read from them, and where a cell's first snippet ends. */
class SnippetShapeTest {

    private static void shape(Kind kind, String name, String source) {
        SnippetShape s = SnippetShape.of(source);
        assertEquals(kind, s.kind(), source);
        assertEquals(name, s.name(), source);
    }

    @Test
    void declarationsAreReadWithTheirNames() {
        shape(Kind.VARIABLE, "w", "var w = 2;");
        shape(Kind.VARIABLE, "m", "Map<String, List<Integer>> m = new HashMap<>();");
        shape(Kind.VARIABLE, "a", "int[] a = {1, 2};");
        shape(Kind.VARIABLE, "x", "long x;");
        shape(Kind.VARIABLE, "e", "java.util.Map.Entry<String, Integer> e = null");
        shape(Kind.METHOD, "f", "int f(int x) { return x; }");
        shape(Kind.METHOD, "g", "void g() { }");
        shape(Kind.METHOD, "id", "<T> T id(T t) { return t; }");
        shape(Kind.TYPE, "P", "class P { }");
        shape(Kind.TYPE, "R", "record R(int x) { }");
        shape(Kind.TYPE, "I", "interface I { }");
        shape(Kind.TYPE, "E", "enum E { A, B }");
        assertEquals("Map<String, List<Integer>>", SnippetShape.of("Map<String, List<Integer>> m = null;").typeText());
        assertNull(SnippetShape.of("var w = 2;").typeText(), "var: the compiler infers it");
        assertTrue(SnippetShape.of("int a = 1;").hasInitializer());
        assertFalse(SnippetShape.of("int a;").hasInitializer());
    }

    @Test
    void expressionsStatementsAndImports() {
        for (String e : List.of("1 + 1", "a < b", "i < n && j > m", "x = 5", "x++", "foo.bar(1)", "new Foo()", "x -> x",
                "\"s\".length()", "List.<String>of()", "record = 1", "(a) -> a")) {
            shape(Kind.EXPRESSION, null, e);
        }
        for (String st : List.of("for (;;) { }", "if (a) b();", "while (x) { }", "try { } finally { }", "{ int a = 1; }",
                "throw new X();", "outer: for (;;) { }")) {
            shape(Kind.STATEMENT, null, st);
        }
        shape(Kind.IMPORT, null, "import java.util.*;");
    }

    @Test
    void whatJShellDefinesIsLeftToIt() {
        for (String o : List.of("final int x = 1;", "static void f() { }", "@Deprecated void f() { }", "int a, b;",
                "int a[] = {1};", "int f();", "switch (x) { default -> { } }", "return 1;", "public class P { }")) {
            shape(Kind.OTHER, null, o);
        }
    }

    @Test
    void tokensSkipCommentsAndLiterals() {
        assertEquals(List.of("a", "b", "c"), List.copyOf(JavaTokens.identifiers("a.b(c) + \"d e\" // f\n/* g */ + 'h'")));
        assertEquals(List.of("x"), List.copyOf(JavaTokens.identifiers("\"\"\"\n  text block \"quoted\"\n  \"\"\" + x")));
        assertEquals(List.of("1e-5", "+", "0x1p-3"), JavaTokens.of("1e-5 + 0x1p-3").stream().map(JavaTokens.Token::text).toList());
    }

    @Test
    void theFirstSnippetEndsWhereItIsCertain() {
        SnippetSplitter.Split s = SnippetSplitter.first("int x = 1;\nx + 1");
        assertEquals("int x = 1;", s.source());
        assertEquals("\nx + 1", s.rest());
        assertEquals("if (a) { } else { }", SnippetSplitter.first("if (a) { } else { }\nb()").source());
        assertEquals("try { } catch (E e) { } finally { }", SnippetSplitter.first("try { } catch (E e) { } finally { }\nz").source());
        assertEquals("do { } while (c);", SnippetSplitter.first("do { } while (c);\nz").source());
        assertEquals("Runnable r = () -> { run(); };", SnippetSplitter.first("Runnable r = () -> { run(); };\nz").source());
        assertEquals("int f() { return 1; }", SnippetSplitter.first("int f() { return 1; }\nf()").source());
        assertEquals("new Object() { }.hashCode()", SnippetSplitter.first("new Object() { }.hashCode()").source());
        assertEquals("1 + 1", SnippetSplitter.first("1 + 1 // a comment").source());
        assertEquals("String s = \"a;b\";", SnippetSplitter.first("String s = \"a;b\"; s").source());
    }

    @Test
    void whatIsNotCertainIsLeftToJShell() {
        for (String code : List.of("int x = (1 +", "if (x)", "class A", "a +", "x)", "int \\u0078 = 1;", "f(\n", "for (;;) {")) {
            assertNull(SnippetSplitter.first(code), code);
        }
    }

    @Test
    void unresolvedNamesAreReadFromJShellsWording() {
        assertEquals("laterMethod", JShellDeclarations.unresolvedName("method laterMethod()"));
        assertEquals("x", JShellDeclarations.unresolvedName("variable x"));
        assertEquals("Foo", JShellDeclarations.unresolvedName("class Foo"));
        assertEquals("m", JShellDeclarations.unresolvedName("method m(int, java.lang.String)"));
    }

    @Test
    void theMethodAnExpressionCallsLast() {
        assertEquals("println", DirectPath.lastCall("System.out.println(\"x\")"));
        assertEquals("forEach", DirectPath.lastCall("List.of(1).forEach(System.out::println)"));
        assertNull(DirectPath.lastCall("1 + 1"));
    }
}
