package dev.jbox.kernel.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A guess at the type of a {@code var} declaration's initializer, from its text alone, so that the direct path can
 * declare the variable's field in the same compilation that infers the type. The compiler checks the guess (the
 * field's type must be the inferred type itself), so a wrong guess costs a second compilation and nothing else, as
 * no guess does.
 *
 * <p>What it guesses: literals and arithmetic on them ({@code 5 * 2}: {@code int}; {@code 1.5 + 2}: {@code double};
 * {@code "a" + 1}: {@code String}), {@code new T<A>(...)}: {@code T<A>}, and for a call, the type the same method's
 * result had in the last declaration that called it.
 *
 * <pre>{@code
 * VarTypeGuess g = new VarTypeGuess();
 * g.guess("var w = 21 * 2;")                 // "int"
 * g.guess("var m = new HashMap<String, Integer>();")   // "HashMap<String, Integer>"
 * g.learned("var t = load(\"a.csv\");", "Table");
 * g.guess("var u = load(\"b.csv\");")        // "Table"
 * }</pre>
 */
final class VarTypeGuess {

    private static final List<String> NUMERIC_RANK = List.of("int", "long", "float", "double");

    /** By the name of the method an initializer ends by calling: the type its declaration had last time. */
    private final Map<String, String> byCall = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 1024;
        }
    };

    /** The type to try for {@code declaration} ({@code var NAME = INIT;}), or null without a guess. */
    String guess(String declaration) {
        List<JavaTokens.Token> init = initializer(declaration);
        if (init.isEmpty()) {
            return null;
        }
        if (init.get(0).is("new")) {
            return constructed(declaration, init);
        }
        String literal = literalType(init);
        if (literal != null) {
            return literal;
        }
        String called = DirectPath.lastCall(init);
        return called == null ? null : byCall.get(called);
    }

    /** Remembers that {@code declaration} declared a variable of type {@code typeText} (for later calls of its method). */
    void learned(String declaration, String typeText) {
        String called = DirectPath.lastCall(initializer(declaration));
        if (called != null) {
            byCall.put(called, typeText);
        }
    }

    /** The initializer's tokens: after {@code var NAME =}, without the closing semicolons. */
    private static List<JavaTokens.Token> initializer(String declaration) {
        List<JavaTokens.Token> t = JavaTokens.of(declaration);
        int end = t.size();
        while (end > 0 && t.get(end - 1).is(";")) {
            end--;
        }
        if (end < 4 || !t.get(0).is("var") || !t.get(2).is("=")) {
            return List.of();
        }
        return t.subList(3, end);
    }

    /** {@code new a.b.T<A, B>(...)} with nothing after the arguments: {@code a.b.T<A, B>}; diamonds and arrays: null. */
    private static String constructed(String declaration, List<JavaTokens.Token> init) {
        int i = 1;
        while (i < init.size() && (init.get(i).isWord() || init.get(i).is("."))) {
            i++;
        }
        if (i == 1 || i >= init.size()) {
            return null;
        }
        int typeEnd = i;
        if (init.get(i).is("<")) {
            int depth = 0;
            for (; i < init.size(); i++) {
                String s = init.get(i).text();
                if (s.equals("<")) {
                    depth++;
                } else if (s.equals(">")) {
                    if (--depth == 0) {
                        break;
                    }
                } else if (!(init.get(i).isWord() || s.equals(",") || s.equals(".") || s.equals("?") || s.equals("[")
                        || s.equals("]"))) {
                    return null;
                }
            }
            if (i >= init.size() || i == typeEnd + 1) {
                return null; // unclosed, or a diamond: the arguments decide
            }
            typeEnd = ++i;
        }
        if (i >= init.size() || !init.get(i).is("(") || !closesAtEnd(init, i)) {
            return null; // an array, an anonymous class, or more after the constructor call
        }
        return declaration.substring(init.get(1).start(), init.get(typeEnd - 1).end());
    }

    /** Whether the parenthesis at {@code open} is closed by the last token. */
    private static boolean closesAtEnd(List<JavaTokens.Token> t, int open) {
        int depth = 0;
        for (int i = open; i < t.size(); i++) {
            if (t.get(i).is("(")) {
                depth++;
            } else if (t.get(i).is(")") && --depth == 0) {
                return i == t.size() - 1;
            }
        }
        return false;
    }

    /**
     * Literals joined by {@code + - * / %} and parentheses: the type of the result by Java's promotion rules (a
     * string makes it a String); one character or boolean literal alone is its own type. Anything else: null.
     */
    private static String literalType(List<JavaTokens.Token> init) {
        if (init.size() == 1) {
            JavaTokens.Token only = init.get(0);
            if (only.kind() == JavaTokens.Kind.CHAR) {
                return "char";
            }
            if (only.is("true") || only.is("false")) {
                return "boolean";
            }
        }
        boolean string = false;
        int rank = -1;
        for (JavaTokens.Token t : init) {
            switch (t.kind()) {
                case STRING -> string = true;
                case CHAR -> rank = Math.max(rank, 0);
                case NUMBER -> {
                    int r = NUMERIC_RANK.indexOf(numberType(t.text()));
                    if (r < 0) {
                        return null;
                    }
                    rank = Math.max(rank, r);
                }
                case PUNCT -> {
                    if ("+-*/%()".indexOf(t.text().charAt(0)) < 0) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        if (string) {
            return "java.lang.String";
        }
        return rank < 0 ? null : NUMERIC_RANK.get(rank);
    }

    private static String numberType(String literal) {
        String s = literal.toLowerCase(java.util.Locale.ROOT);
        boolean hex = s.startsWith("0x");
        if (s.endsWith("l")) {
            return "long";
        }
        if (hex) {
            return s.contains("p") ? (s.endsWith("f") ? "float" : "double") : "int";
        }
        if (s.endsWith("f")) {
            return "float";
        }
        if (s.endsWith("d") || s.contains(".") || s.contains("e")) {
            return "double";
        }
        return "int";
    }
}
