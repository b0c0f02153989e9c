package dev.jbox.kernel.magic;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a magic's argument string the way a POSIX shell splits words (quotes, backslash), remembering where
 * each word starts so that a command's tail can be passed on verbatim, quoting and pipes included.
 */
final class ArgTokenizer {

    /** One word: its unquoted text and the index in the raw string where it starts. */
    record Token(String text, int start) {
    }

    private ArgTokenizer() {
    }

    static List<Token> tokenize(String raw) {
        List<Token> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int start = -1;
        char quote = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (quote == 0 && Character.isWhitespace(c)) {
                if (start >= 0) {
                    out.add(new Token(word.toString(), start));
                    word.setLength(0);
                    start = -1;
                }
                continue;
            }
            if (start < 0) start = i;
            if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (c == '\\' && quote != '\'' && i + 1 < raw.length()) {
                word.append(raw.charAt(++i));
            } else {
                word.append(c);
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unterminated " + (quote == '"' ? "double" : "single") + " quote");
        if (start >= 0) out.add(new Token(word.toString(), start));
        return out;
    }
}
