package dev.jbox.kernel.eval;

import dev.jbox.kernel.eval.JavaTokens.Token;
import java.util.List;
import java.util.Set;

/**
 * Finds where the first snippet of a cell ends, from its tokens, where that is certain: at a semicolon outside
 * brackets, at the brace that closes a class, method or block statement when a new snippet follows, or at the end of
 * the cell. Anything less certain (unbalanced brackets, a brace followed by what may continue it, Unicode escapes)
 * gives null, and JShell's analysis decides. It needs no compiler, so the first cells of a session do not wait for
 * JShell.
 *
 * <pre>{@code
 * SnippetSplitter.first("int x = 1;\nx + 1")        // source "int x = 1;", rest "\nx + 1"
 * SnippetSplitter.first("if (a) { } else { }\nb()") // source "if (a) { } else { }", rest "\nb()"
 * SnippetSplitter.first("int x = (1 +")             // null: JShell says it is incomplete
 * }</pre>
 */
final class SnippetSplitter {

    /** {@code source} from the snippet's first token, without the whitespace before it; {@code rest} after it. */
    record Split(String source, String rest) {
    }

    /** A snippet starting with one of these needs a terminator (a semicolon or a body) that the end of a cell is not. */
    private static final Set<String> NEEDS_END = Set.of("if", "for", "while", "do", "try", "switch", "synchronized",
            "class", "interface", "enum", "record", "else", "catch", "finally", "@", "import", "package", "static",
            "public", "private", "protected", "abstract", "final", "void", "default", "sealed", "non");

    /** After a closing brace, these continue the same snippet. */
    private static final Set<String> CONTINUES = Set.of(";", ".", ",", ")", "]", "else", "catch", "finally", "while",
            "+", "-", "*", "/", "%", "?", ":", "=", "<", ">", "!", "&", "|", "^", "instanceof", "[");

    private SnippetSplitter() {
    }

    /** The first snippet of {@code code} and what follows, or null when JShell must decide (also for no snippet). */
    static Split first(String code) {
        if (code.contains("\\u")) {
            return null; // Unicode escapes may hide a semicolon or a brace from the tokens
        }
        List<Token> t = JavaTokens.of(code);
        if (t.isEmpty()) {
            return null;
        }
        int depth = 0;
        for (int i = 0; i < t.size(); i++) {
            Token k = t.get(i);
            if (k.kind() != JavaTokens.Kind.PUNCT) {
                if ((k.kind() == JavaTokens.Kind.STRING || k.kind() == JavaTokens.Kind.CHAR) && !closed(k)) {
                    return null; // an unterminated literal
                }
                continue;
            }
            switch (k.text()) {
                case "(", "[", "{" -> depth++;
                case ")", "]" -> {
                    if (--depth < 0) {
                        return null;
                    }
                }
                case "}" -> {
                    if (--depth < 0) {
                        return null;
                    }
                    if (depth == 0) {
                        if (i + 1 == t.size()) {
                            return split(code, t, i);
                        }
                        Token next = t.get(i + 1);
                        if (next.is("(") || next.is("{")) {
                            return null;
                        }
                        if (!CONTINUES.contains(next.text())) {
                            return split(code, t, i);
                        }
                    }
                }
                case ";" -> {
                    if (depth == 0) {
                        return split(code, t, i);
                    }
                }
                default -> { }
            }
        }
        if (NEEDS_END.contains(t.get(0).text())) {
            return null;
        }
        Token last = t.get(t.size() - 1);
        boolean endsAnExpression = last.kind() != JavaTokens.Kind.PUNCT || last.is(")") || last.is("]") || last.is("}");
        return depth == 0 && endsAnExpression ? split(code, t, t.size() - 1) : null;
    }

    private static Split split(String code, List<Token> t, int last) {
        int start = t.get(0).start();
        int end = t.get(last).end();
        return new Split(code.substring(start, end), code.substring(end));
    }

    private static boolean closed(Token k) {
        String s = k.text();
        if (s.startsWith("\"\"\"")) {
            return s.length() >= 6 && s.endsWith("\"\"\"");
        }
        return s.length() >= 2 && s.charAt(s.length() - 1) == s.charAt(0);
    }
}
