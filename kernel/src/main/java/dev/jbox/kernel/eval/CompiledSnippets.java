package dev.jbox.kernel.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Snippets that compiled and ran before, by text, with the class JShell compiled them into, so that running the
 * same text again (a re-run cell, a polling cell, "Run All" once more) invokes that class instead of compiling it
 * again: compiling is most of what a small cell costs, and each JShell evaluation also grows JShell's snippet list.
 *
 * <p>Why this is safe: a snippet's class is a function of its text and of the declarations, imports and class
 * path it was compiled against. Everything else it reads (variable values, objects) is read when it runs. So
 * entries stay valid until a declaration or import changes ({@link #clear}), which the evaluator reports. Only
 * snippets that declare nothing are kept: expressions and statements, whose re-run means running them again.
 */
final class CompiledSnippets {

    /**
     * {@code className}: the class JShell loaded for the snippet; {@code snippetId}: its id (stack traces name it);
     * {@code showsValue}: whether what it returns is the cell's value (an expression, not a statement).
     */
    record Compiled(String className, String snippetId, boolean showsValue) {
    }

    private static final int MAX_ENTRIES = 512;

    private final Map<String, Compiled> byText = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The compiled form of {@code source}, or null if it must go through JShell. */
    Compiled get(String source) {
        return byText.get(source);
    }

    void put(String source, Compiled compiled) {
        byText.put(source, compiled);
    }

    /** A declaration, import or class path changed: compiled classes may no longer mean what their text means. */
    void clear() {
        byText.clear();
    }
}
