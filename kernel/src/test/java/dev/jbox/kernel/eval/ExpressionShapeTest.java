package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpressionShapeTest {

    @Test
    void expressionsMayBeExpressions() {
        for (String e : List.of("1 + 1", "x", "x = 5", "i++", "list.size() + 1", "new Foo(1)", "new int[] {1, 2}",
                "\"a\" + b", "(a)", "Math.max(a, b)", "a < b && c > d", "x instanceof String s", "this.x", "null",
                "System.out.println(x)", "x -> x", "foo()\n  .bar()", "'c'", "-1", "!done", "List.<String>of()",
                "values[3]", "a ? b : c", "switchValue")) {
            assertTrue(ExpressionShape.mayBeExpression(e), e);
        }
    }

    @Test
    void declarationsAndStatementsAreNot() {
        for (String d : List.of("int x = 1", "String s", "List<String> l = List.of()", "Map<String, List<Integer>> m = null",
                "var v = 3", "void f() {}", "int f(int a) { return a; }", "Foo bar()", "int[] a = {1}", "int a[] = {1}",
                "java.util.List<String> q = null", "class A {}", "record R(int a) {}", "interface I {}", "enum E { A }",
                "import java.util.*", "@Deprecated void g() {}", "public static int h() { return 1; }",
                "for (int i = 0; i < 3; i++) {}", "if (x) y()", "while (true) {}", "do {} while (false)", "try { } finally { }",
                "switch (x) { default -> {} }", "return", "throw e", "{ int a = 1; }", "<T> T id(T t) { return t; }",
                "final int k = 2", "synchronized (this) {}", "")) {
            assertFalse(ExpressionShape.mayBeExpression(d), d);
        }
    }
}
