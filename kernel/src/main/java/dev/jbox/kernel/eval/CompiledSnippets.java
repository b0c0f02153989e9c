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
 *
 * <p>Value cells are compiled as a declaration of {@link JShellEvaluator#VALUE_VARIABLE}; only the latest such
 * declaration is the variable later cells see ({@link #valueHolder}), so re-running an older one must also set that
 * variable.
 */
final class CompiledSnippets {

    /** What running a snippet gives the cell. */
    enum Kind {
        /** Nothing to show (a statement, a void call). */
        STATEMENT,
        /** A value to show, as JShell compiled the expression itself (an assignment, a variable's name). */
        EXPRESSION,
        /** A value to show, held in the value variable: the kernel's rewrite of an expression. */
        VALUE_DECLARATION
    }

    /** {@code className}: the class JShell loaded for the snippet; {@code snippetId}: its id (stack traces name it). */
    record Compiled(String className, String snippetId, Kind kind) {

        boolean showsValue() {
            return kind != Kind.STATEMENT;
        }
    }

    private static final int MAX_ENTRIES = 512;

    private final Map<String, Compiled> byText = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Compiled> eldest) {
            return size() > MAX_ENTRIES;
        }
    };
    private String valueHolder;

    /** The compiled form of {@code source}, or null if it must go through JShell. */
    Compiled get(String source) {
        return byText.get(source);
    }

    /** {@code source} compiled into {@code compiled}; a value declaration's class becomes the value variable's holder. */
    void put(String source, Compiled compiled) {
        byText.put(source, compiled);
        if (compiled.kind() == Kind.VALUE_DECLARATION) {
            valueHolder = compiled.className();
        }
    }

    /** A value declaration went through JShell in a class not seen ({@code null}) or seen: it now holds the variable. */
    void valueDeclared(String className) {
        valueHolder = className;
    }

    /** The class whose static field is the value variable later cells read; null if unknown. */
    String valueHolder() {
        return valueHolder;
    }

    /** A declaration, import or class path changed: compiled classes may no longer mean what their text means. */
    void clear() {
        byText.clear();
        valueHolder = null; // the change may have been a declaration of the value variable itself
    }

    int size() {
        return byText.size();
    }
}
