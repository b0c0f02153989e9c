package dev.jbox.kernel.eval;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A look at a snippet's text, without the compiler: could it be an expression? Declarations and statements are
 * recognised by their first word or their {@code Type name} shape and answered no.
 *
 * <pre>{@code
 * ExpressionShape.mayBeExpression("list.size() + 1")     // true
 * ExpressionShape.mayBeExpression("List<String> l = f()") // false: a declaration
 * ExpressionShape.mayBeExpression("for (;;) {}")          // false: a statement
 * }</pre>
 *
 * <p>It errs on both sides only at the cost of speed, never of meaning: {@link JShellEvaluator} compiles a "yes" as
 * a value declaration and falls back to JShell's own way when that does not compile (a void call, a lambda), and
 * a "no" simply takes JShell's own way.
 */
final class ExpressionShape {

    /** Words that start a statement or a declaration, never an expression. */
    private static final Set<String> NOT_EXPRESSION_STARTS = Set.of(
            "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
            "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
            "implements", "import", "int", "interface", "long", "module", "native", "non", "package", "private",
            "protected", "public", "record", "return", "sealed", "short", "static", "strictfp", "switch",
            "synchronized", "throw", "throws", "transient", "try", "var", "void", "volatile", "while", "yield");

    private static final String IDENT = "[\\p{L}_$][\\p{L}\\p{N}_$]*";
    private static final Pattern FIRST_WORD = Pattern.compile("^(" + IDENT + ")");
    /**
     * {@code Type name} followed by what follows a declared name: {@code = ; ( , [} or the end. Type arguments hold
     * only names, dots, commas, {@code ?}, brackets and nested angle brackets, so {@code a < b && c > d} is not one.
     */
    private static final Pattern DECLARATION = Pattern.compile(
            "^" + IDENT + "(?:\\s*\\.\\s*" + IDENT + ")*(?:\\s*<[\\p{L}\\p{N}_$\\s.,?<>\\[\\]]*>)?(?:\\s*\\[\\s*\\])*\\s+" + IDENT
                    + "\\s*(?:[=;(,\\[]|$)", Pattern.DOTALL);

    private ExpressionShape() {
    }

    /** False when {@code source} (one snippet, stripped) is surely a declaration or a statement. */
    static boolean mayBeExpression(String source) {
        if (source.isEmpty()) {
            return false;
        }
        char first = source.charAt(0);
        if (first == '{' || first == '@' || first == ';' || first == '<') {
            return false;
        }
        var word = FIRST_WORD.matcher(source);
        if (word.find()) {
            String w = word.group(1);
            if (NOT_EXPRESSION_STARTS.contains(w)) {
                return false;
            }
            if (w.equals("new")) {
                return true; // `new Foo(...)` has the shape of a method declaration
            }
        }
        return !DECLARATION.matcher(source).find();
    }
}
