package dev.jbox.kernel.eval;

import java.util.List;

/** Completion matches replacing {@code code[cursorStart, cursorEnd)}. */
public record Completion(List<String> matches, int cursorStart, int cursorEnd) {

    public Completion {
        matches = List.copyOf(matches);
    }
}
