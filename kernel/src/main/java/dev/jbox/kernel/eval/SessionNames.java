package dev.jbox.kernel.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The declarations the session compiler made, by name: at most one variable, one method and one type per name
 * (JShell keeps one per name and kind too; overloads across cells are left to JShell). Each one lives in its own
 * wrapper class ({@code holder}) and records the names it mentions, which is what decides, as in JShell, whether
 * redefining a name affects it.
 */
final class SessionNames {

    enum Kind { VARIABLE, METHOD, TYPE }

    /**
     * @param holder the wrapper class, e.g. {@code REPL.$JBox$12}
     * @param classes the wrapper's class files (itself and its nested classes), by binary name
     * @param mentions the names the declaration depends on (JShell's rule: a variable on its type only; a method or a
     *     type on everything it mentions)
     * @param uses the wrappers its compilation imported (their classes may appear in its signatures)
     * @param source the declaration as the user wrote it
     * @param signature a method's erased parameter types ("int,java.lang.String"), else ""
     * @param typeText a variable's type as its field declares it
     */
    record Declaration(Kind kind, String name, String holder, Map<String, byte[]> classes, Set<String> mentions,
            Set<String> uses, String source, String signature, String typeText, String snippetId) {

        /** The import that makes it visible by its simple name, in a compilation of package REPL. */
        String importLine() {
            return kind == Kind.TYPE ? "import " + holder + "." + name + ";" : "import static " + holder + "." + name + ";";
        }
    }

    private final Map<String, Map<Kind, Declaration>> byName = new HashMap<>();
    private final Map<String, Declaration> byHolder = new LinkedHashMap<>();

    Declaration get(String name, Kind kind) {
        Map<Kind, Declaration> m = byName.get(name);
        return m == null ? null : m.get(kind);
    }

    /** All declarations of {@code name}, of any kind. */
    Collection<Declaration> all(String name) {
        Map<Kind, Declaration> m = byName.get(name);
        return m == null ? List.of() : m.values();
    }

    boolean has(String name) {
        Map<Kind, Declaration> m = byName.get(name);
        return m != null && !m.isEmpty();
    }

    Collection<Declaration> all() {
        return byHolder.values();
    }

    Set<String> names() {
        return byName.keySet();
    }

    Declaration byHolder(String holder) {
        return byHolder.get(holder);
    }

    /** Adds {@code d}, replacing the declaration of the same name and kind; returns the replaced one or null. */
    Declaration put(Declaration d) {
        Declaration old = byName.computeIfAbsent(d.name(), n -> new LinkedHashMap<>()).put(d.kind(), d);
        if (old != null) {
            byHolder.remove(old.holder());
        }
        byHolder.put(d.holder(), d);
        return old;
    }

    void remove(Declaration d) {
        Map<Kind, Declaration> m = byName.get(d.name());
        if (m != null && m.get(d.kind()) == d) {
            m.remove(d.kind());
            if (m.isEmpty()) {
                byName.remove(d.name());
            }
        }
        byHolder.remove(d.holder());
    }

    /** Declarations other than {@code except} that mention {@code name}: what redefining it would affect. */
    List<Declaration> dependents(String name, Declaration except) {
        List<Declaration> out = new ArrayList<>();
        for (Declaration d : byHolder.values()) {
            if (d != except && d.mentions().contains(name)) {
                out.add(d);
            }
        }
        return out;
    }

    /** {@code roots} and, transitively, the declarations that mention any of their names, in declaration order. */
    List<Declaration> dependentsClosure(Set<String> names) {
        Set<String> pending = new LinkedHashSet<>(names);
        Set<Declaration> found = new LinkedHashSet<>();
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Declaration d : byHolder.values()) {
                if (!found.contains(d) && d.mentions().stream().anyMatch(pending::contains)) {
                    found.add(d);
                    pending.add(d.name());
                    grew = true;
                }
            }
        }
        List<Declaration> ordered = new ArrayList<>();
        for (Declaration d : byHolder.values()) {
            if (found.contains(d)) {
                ordered.add(d);
            }
        }
        return ordered;
    }
}
