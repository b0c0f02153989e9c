package dev.jbox.kernel.magic;

import dev.jbox.kernel.display.CellOutput;
import java.util.List;

/**
 * What a running magic sees: the session, the output of the cell, its raw argument text and words, and the
 * body of a cell magic (null for a line magic).
 */
record MagicContext(MagicSession session, CellOutput out, String rawArgs, List<ArgTokenizer.Token> tokens, String body) {

    /**
     * The raw text from the first of the trailing {@code positionals} on, quoting kept (picocli stops at the
     * first positional for command magics, so these are the last words).
     */
    String rawTail(List<String> positionals) {
        if (positionals == null || positionals.isEmpty()) return "";
        return rawArgs.substring(tokens.get(tokens.size() - positionals.size()).start()).strip();
    }

    boolean isCellMagic() {
        return body != null;
    }
}
