package dev.jbox.kernel.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A small Java tokenizer: words (identifiers and keywords), literals and single punctuation characters, with their
 * positions; comments and whitespace are skipped. Enough to see a snippet's shape and which names it mentions,
 * without the compiler.
 *
 * <pre>{@code
 * JavaTokens.of("int f(int x) { return x + \"s\".length(); } // f")   // int f ( int x ) { return x + "s" . length ( ) ; }
 * JavaTokens.identifiers("a.b(c) + \"d\"")                            // [a, b, c]
 * }</pre>
 */
final class JavaTokens {

    enum Kind { WORD, NUMBER, STRING, CHAR, PUNCT }

    /** {@code start} and {@code end} are offsets into the source ({@code end} exclusive). */
    record Token(Kind kind, String text, int start, int end) {

        boolean is(String s) {
            return text.equals(s);
        }

        boolean isWord() {
            return kind == Kind.WORD;
        }
    }

    private JavaTokens() {
    }

    static List<Token> of(String s) {
        List<Token> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '"' && s.startsWith("\"\"\"", i)) {
                int close = textBlockEnd(s, i + 3);
                out.add(new Token(Kind.STRING, s.substring(i, close), i, close));
                i = close;
            } else if (c == '"' || c == '\'') {
                int end = quotedEnd(s, i + 1, c);
                out.add(new Token(c == '"' ? Kind.STRING : Kind.CHAR, s.substring(i, end), i, end));
                i = end;
            } else if (Character.isJavaIdentifierStart(c)) {
                int end = i + 1;
                while (end < n && Character.isJavaIdentifierPart(s.charAt(end))) {
                    end++;
                }
                out.add(new Token(Kind.WORD, s.substring(i, end), i, end));
                i = end;
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                int end = numberEnd(s, i);
                out.add(new Token(Kind.NUMBER, s.substring(i, end), i, end));
                i = end;
            } else {
                out.add(new Token(Kind.PUNCT, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        return out;
    }

    /** The words of {@code s} (outside comments and literals), in order of first appearance. */
    static Set<String> identifiers(String s) {
        Set<String> names = new LinkedHashSet<>();
        for (Token t : of(s)) {
            if (t.isWord()) {
                names.add(t.text());
            }
        }
        return names;
    }

    private static int textBlockEnd(String s, int from) {
        int i = from;
        while (i < s.length()) {
            if (s.charAt(i) == '\\') {
                i += 2;
            } else if (s.startsWith("\"\"\"", i)) {
                return i + 3;
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static int quotedEnd(String s, int from, char quote) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else if (c == '\n') {
                return i; // unterminated: the compiler will say so
            } else {
                i++;
            }
        }
        return s.length();
    }

    private static int numberEnd(String s, int from) {
        boolean hex = s.startsWith("0x", from) || s.startsWith("0X", from);
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            char prev = i > from ? s.charAt(i - 1) : ' ';
            boolean exponentSign = (c == '+' || c == '-') && (hex ? "pP" : "eE").indexOf(prev) >= 0;
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || exponentSign) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }
}
