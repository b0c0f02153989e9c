package dev.jbox.kernel.eval;

import dev.jbox.kernel.eval.JavaTokens.Token;
import java.util.List;
import java.util.Set;

/**
 * What one snippet is, read from its tokens: an expression, a statement, a variable, method or type declaration, an
 * import, or something the session compiler leaves to JShell ({@link Kind#OTHER}: modifiers, annotations, several
 * variables in one declaration, C-style arrays, switch, return). The compiler has the last word: a snippet that
 * does not compile in the shape read here goes to JShell, which says what is wrong.
 *
 * <pre>{@code
 * SnippetShape.of("var w = 2;")                     // VARIABLE w, type null (inferred), with initializer
 * SnippetShape.of("Map<String, Integer> m;")        // VARIABLE m, type "Map<String, Integer>"
 * SnippetShape.of("int f(int x) { return x; }")    // METHOD f
 * SnippetShape.of("record P(int x) { }")            // TYPE P
 * SnippetShape.of("for (int i = 0; i < 3; i++) {}") // STATEMENT
 * SnippetShape.of("a < b")                          // EXPRESSION
 * }</pre>
 *
 * @param name the declared name (null for expressions, statements and imports)
 * @param typeText a variable's declared type as written, or null for {@code var}
 * @param typeStart where {@code typeText} starts in the source (-1 without one)
 * @param hasInitializer whether a variable declaration has an initializer
 */
record SnippetShape(Kind kind, String name, String typeText, int typeStart, boolean hasInitializer) {

    enum Kind { EXPRESSION, STATEMENT, VARIABLE, METHOD, TYPE, IMPORT, OTHER }

    private static final Set<String> MODIFIERS = Set.of("public", "protected", "private", "static", "final", "abstract",
            "native", "synchronized", "transient", "volatile", "strictfp", "default", "sealed", "non");
    /** Statements a snippet may start with that the session compiler runs as they are. */
    private static final Set<String> STATEMENTS = Set.of("if", "for", "while", "do", "try", "throw", "assert", "{");
    /** Statements whose meaning at the top level is JShell's to define. */
    private static final Set<String> JSHELL_STATEMENTS = Set.of("switch", "return", "break", "continue", "yield", ";");
    private static final Set<String> PRIMITIVES = Set.of("boolean", "byte", "char", "short", "int", "long", "float", "double");
    /** Words that are never a type's or a declared element's name. */
    private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch",
            "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally",
            "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new",
            "package", "private", "protected", "public", "return", "short", "static", "strictfp", "super", "switch",
            "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false",
            "null", "var", "yield", "record", "_");

    private static final SnippetShape EXPRESSION = new SnippetShape(Kind.EXPRESSION, null, null, -1, false);
    private static final SnippetShape STATEMENT = new SnippetShape(Kind.STATEMENT, null, null, -1, false);
    private static final SnippetShape IMPORT = new SnippetShape(Kind.IMPORT, null, null, -1, false);
    private static final SnippetShape OTHER = new SnippetShape(Kind.OTHER, null, null, -1, false);

    static SnippetShape of(String source) {
        List<Token> t = JavaTokens.of(source);
        if (t.isEmpty()) {
            return OTHER;
        }
        Token first = t.get(0);
        String w = first.text();
        if (w.equals("@") || MODIFIERS.contains(w) || JSHELL_STATEMENTS.contains(w)) {
            return OTHER;
        }
        if (w.equals("import")) {
            return IMPORT;
        }
        if (STATEMENTS.contains(w)) {
            return STATEMENT;
        }
        if ((w.equals("class") || w.equals("interface") || w.equals("enum")) && isName(t, 1)) {
            return withBody(source, new SnippetShape(Kind.TYPE, t.get(1).text(), null, -1, false));
        }
        if (w.equals("record") && isName(t, 1) && (is(t, 2, "(") || is(t, 2, "<"))) {
            return withBody(source, new SnippetShape(Kind.TYPE, t.get(1).text(), null, -1, false));
        }
        if (w.equals("void")) {
            return isName(t, 1) && is(t, 2, "(") ? withBody(source, new SnippetShape(Kind.METHOD, t.get(1).text(), null, -1, false)) : OTHER;
        }
        if (w.equals("<")) { // a generic method: <T> T f(T x) { ... }
            int afterParams = matchingClose(t, 0);
            int afterType = afterParams < 0 ? -1 : typeEnd(t, afterParams);
            return afterType > 0 && isName(t, afterType) && is(t, afterType + 1, "(")
                    ? withBody(source, new SnippetShape(Kind.METHOD, t.get(afterType).text(), null, -1, false)) : OTHER;
        }
        if (w.equals("var") && isName(t, 1) && (is(t, 2, "=") || t.size() == 2 || is(t, 2, ";"))) {
            boolean init = is(t, 2, "=");
            return init && topLevelComma(t, 3) ? OTHER : new SnippetShape(Kind.VARIABLE, t.get(1).text(), null, -1, init);
        }
        if (first.isWord() && is(t, 1, ":") && !is(t, 2, ":")) {
            return STATEMENT; // a labelled statement
        }
        if (first.isWord() && (PRIMITIVES.contains(w) || !RESERVED.contains(w))) {
            int end = typeEnd(t, 0);
            if (end > 0 && isName(t, end)) {
                String name = t.get(end).text();
                String typeText = source.substring(first.start(), t.get(end - 1).end());
                if (is(t, end + 1, "(")) {
                    return withBody(source, new SnippetShape(Kind.METHOD, name, null, -1, false));
                }
                if (is(t, end + 1, "=")) {
                    return topLevelComma(t, end + 2) ? OTHER : new SnippetShape(Kind.VARIABLE, name, typeText, first.start(), true);
                }
                if (t.size() == end + 1 || is(t, end + 1, ";") && t.size() == end + 2) {
                    return new SnippetShape(Kind.VARIABLE, name, typeText, first.start(), false);
                }
                return OTHER; // int a, b;  int a[] = ...;  and the like
            }
        }
        return EXPRESSION;
    }

    /** Methods and types need a body: {@code int f();} is JShell's to explain. */
    private static SnippetShape withBody(String source, SnippetShape shape) {
        String s = source.strip();
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).stripTrailing();
        }
        return s.endsWith("}") ? shape : OTHER;
    }

    private static boolean is(List<Token> t, int i, String text) {
        return i < t.size() && t.get(i).is(text);
    }

    private static boolean isName(List<Token> t, int i) {
        return i < t.size() && t.get(i).isWord() && !RESERVED.contains(t.get(i).text());
    }

    /**
     * The index after a type starting at {@code i} ({@code int[]}, {@code java.util.Map.Entry<K, List<V>>[]}), or -1.
     * Type arguments may hold names, dots, commas, {@code ?}, {@code extends}, {@code super}, brackets and nested
     * type arguments only, so {@code a < b && c > d} is no type.
     */
    static int typeEnd(List<Token> t, int i) {
        if (i >= t.size() || !t.get(i).isWord()) {
            return -1;
        }
        String w = t.get(i).text();
        int p = i + 1;
        if (!PRIMITIVES.contains(w)) {
            if (RESERVED.contains(w)) {
                return -1;
            }
            p = typeArgumentsEnd(t, p);
            while (is(t, p, ".") && isName(t, p + 1)) {
                p = typeArgumentsEnd(t, p + 2);
            }
        }
        while (is(t, p, "[") && is(t, p + 1, "]")) {
            p += 2;
        }
        return p;
    }

    /** After {@code <...>} at {@code i} when it is a type argument list; {@code i} when there is none or it is not one. */
    private static int typeArgumentsEnd(List<Token> t, int i) {
        if (!is(t, i, "<")) {
            return i;
        }
        int depth = 0;
        for (int p = i; p < t.size(); p++) {
            Token k = t.get(p);
            String s = k.text();
            if (s.equals("<")) {
                depth++;
            } else if (s.equals(">")) {
                if (--depth == 0) {
                    return p + 1;
                }
            } else if (!(k.isWord() && (!RESERVED.contains(s) || PRIMITIVES.contains(s) || s.equals("extends") || s.equals("super"))
                    || s.equals(".") || s.equals(",") || s.equals("?") || s.equals("[") || s.equals("]"))) {
                return i;
            }
        }
        return i;
    }

    /** The index after the {@code >} matching the {@code <} at {@code i}, or -1. */
    private static int matchingClose(List<Token> t, int i) {
        int depth = 0;
        for (int p = i; p < t.size(); p++) {
            if (t.get(p).is("<")) {
                depth++;
            } else if (t.get(p).is(">") && --depth == 0) {
                return p + 1;
            } else if (t.get(p).is("(") || t.get(p).is("{") || t.get(p).is(";")) {
                return -1;
            }
        }
        return -1;
    }

    /** Whether a comma outside parentheses, brackets and braces follows {@code from}: several declarators. */
    private static boolean topLevelComma(List<Token> t, int from) {
        int depth = 0;
        for (int p = from; p < t.size(); p++) {
            String s = t.get(p).text();
            if (t.get(p).kind() != JavaTokens.Kind.PUNCT) {
                continue;
            }
            switch (s) {
                case "(", "[", "{" -> depth++;
                case ")", "]", "}" -> depth--;
                case "," -> {
                    if (depth == 0) {
                        return true;
                    }
                }
                default -> { }
            }
        }
        return false;
    }
}
