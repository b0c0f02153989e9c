package dev.jbox.kernel.eval;

import java.io.IOException;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session's imports (the default ones and the user's), and which of them one cell's compilation needs.
 *
 * <p>Why: every on-demand import costs javac work in every compilation (the default dozen: a quarter of a small
 * class's compilation, a third while javac's code is still cold), yet most cells use none or one of them. An on-demand import is
 * left out when none of the simple names it brings in appears in the cell's text: it cannot change what any name
 * there means. A single-type import is left out when its simple name does not appear. An on-demand import whose
 * names are not known (yet) is always kept, so leaving one out never changes a cell's meaning, only its cost.
 * The names come from the JDK's runtime image, from the kernel's classes, and from the class path (see
 * {@link #learnClassPathMembers}).
 *
 * <pre>{@code
 * CellImports imports = new CellImports();
 * imports.add("import java.util.*;");
 * imports.learnMembers();
 * imports.linesFor(Set.of("List", "of"))   // "import java.util.*;"
 * imports.linesFor(Set.of("x"))            // ""
 * }</pre>
 */
final class CellImports {

    private static final Pattern IMPORT = Pattern.compile(
            "import\\s+(static\\s+)?([\\p{L}\\p{N}_$.\\s]+?)(\\s*\\.\\s*\\*)?\\s*;?\\s*");

    /** One import; {@code simpleName} is the name a single-type import brings in (null for on-demand ones). */
    private record Import(String line, boolean isStatic, String qualified, boolean onDemand, String simpleName) {
    }

    /** By JShell's key, in order: a single-type import replaces the one of the same simple name. Session-owned. */
    private final Map<String, Import> byKey = new LinkedHashMap<>();
    /** The same, for readers on other threads (the background learning). */
    private volatile List<Import> imports = List.of();
    /** The simple names each on-demand import brings in (by its line), once learned. */
    private final Map<String, Set<String>> members = new ConcurrentHashMap<>();
    /** The lines of {@link #members} learned from the class path, which a new library may change. */
    private final Set<String> fromClassPath = ConcurrentHashMap.newKeySet();

    /** Adds an import (after JShell accepted it); returns false for a line that is not one. */
    boolean add(String line) {
        Matcher m = IMPORT.matcher(line.strip());
        if (!m.matches()) {
            return false;
        }
        boolean isStatic = m.group(1) != null;
        String qualified = m.group(2).replaceAll("\\s+", "");
        boolean onDemand = m.group(3) != null;
        String simple = qualified.substring(qualified.lastIndexOf('.') + 1);
        String key = onDemand ? (isStatic ? "static*:" : "*:") + qualified : (isStatic ? "static:" : "type:") + simple;
        String text = "import " + (isStatic ? "static " : "") + qualified + (onDemand ? ".*" : "") + ";";
        byKey.put(key, new Import(text, isStatic, qualified, onDemand, onDemand ? null : simple));
        imports = List.copyOf(byKey.values());
        return true;
    }

    /** The import lines a compilation whose text has {@code identifiers} needs (a superset of them, exactly). */
    String linesFor(Set<String> identifiers) {
        StringBuilder out = new StringBuilder();
        for (Import i : imports) {
            if (needed(i, identifiers)) {
                out.append(i.line()).append(' ');
            }
        }
        return out.toString();
    }

    private boolean needed(Import i, Set<String> identifiers) {
        if (!i.onDemand()) {
            return identifiers.contains(i.simpleName());
        }
        Set<String> names = members.get(i.line());
        if (names == null) {
            return true;
        }
        for (String id : identifiers) {
            if (names.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Learns the names of the on-demand imports not learned yet: packages of the JDK from its runtime image, static
     * members of classes the kernel's own class loader can load. Neither changes when a notebook adds a library (its
     * packages are learned from the class path: {@link #learnClassPathMembers}). Thread-safe; a few milliseconds once
     * javac has opened the runtime image, so it runs off the cells' path.
     */
    void learnMembers() {
        for (Import i : imports) {
            if (i.onDemand() && !members.containsKey(i.line())) {
                Set<String> names = i.isStatic() ? staticMemberNames(i.qualified()) : jdkPackageTypeNames(i.qualified());
                if (names != null) {
                    members.put(i.line(), Set.copyOf(names));
                }
            }
        }
    }

    /**
     * Learns the names of the on-demand imports of packages on the class path (the kernel's own, a library's) that
     * {@link #learnMembers} left unknown, from {@code classPathTypes} (a package's top-level class names, empty when
     * it has none). Not thread-safe with the compilations that list the same class path: the session calls it.
     */
    void learnClassPathMembers(Function<String, Set<String>> classPathTypes) {
        for (Import i : imports) {
            if (i.onDemand() && !i.isStatic() && !members.containsKey(i.line())) {
                Set<String> names = classPathTypes.apply(i.qualified());
                if (!names.isEmpty()) {
                    members.put(i.line(), Set.copyOf(names));
                    fromClassPath.add(i.line());
                }
            }
        }
    }

    /** The class path changed: a package on it may hold more classes now (learn them again). */
    void forgetClassPathMembers() {
        for (String line : fromClassPath) {
            members.remove(line);
        }
        fromClassPath.clear();
    }

    /** The top-level class names of a JDK package (listed whatever their access, which only keeps more), or null. */
    private static Set<String> jdkPackageTypeNames(String pkg) {
        try {
            FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
            Set<String> names = new HashSet<>();
            String dir = pkg.replace('.', '/');
            try (DirectoryStream<Path> modules = Files.newDirectoryStream(jrt.getPath("/packages", pkg))) {
                for (Path module : modules) {
                    try (DirectoryStream<Path> classes = Files.newDirectoryStream(jrt.getPath("/modules", module.getFileName().toString(), dir), "*.class")) {
                        for (Path c : classes) {
                            String n = c.getFileName().toString();
                            names.add(n.substring(0, n.length() - ".class".length()).replaceFirst("\\$.*", ""));
                        }
                    }
                }
            }
            return names.isEmpty() ? null : names;
        } catch (NoSuchFileException e) {
            return null; // not a JDK package: a library's, or a class (import java.util.Map.*)
        } catch (IOException | RuntimeException e) { // an image that cannot be read: the import stays
            return null;
        }
    }

    /** The names of the public static members (methods, fields, member types) of a class, or null. */
    private static Set<String> staticMemberNames(String className) {
        try {
            Class<?> c = Class.forName(className, false, CellImports.class.getClassLoader());
            Set<String> names = new HashSet<>();
            List<Member> all = new ArrayList<>(List.of(c.getMethods()));
            all.addAll(List.of(c.getFields()));
            for (Member m : all) {
                if (Modifier.isStatic(m.getModifiers())) {
                    names.add(m.getName());
                }
            }
            for (Class<?> nested : c.getClasses()) {
                names.add(nested.getSimpleName());
            }
            return names;
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return null;
        }
    }
}
