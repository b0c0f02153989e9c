package dev.jbox.kernel.eval;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.Trees;
import com.sun.tools.javac.api.JavacTaskImpl;
import com.sun.tools.javac.api.JavacTaskPool;
import com.sun.tools.javac.code.ClassFinder;
import com.sun.tools.javac.code.Symbol.ModuleSymbol;
import com.sun.tools.javac.code.Symbol.PackageSymbol;
import com.sun.tools.javac.code.Symtab;
import com.sun.tools.javac.util.Context;
import com.sun.tools.javac.util.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles the session compiler's wrapper classes with javac, one task per call, in memory.
 *
 * <p>Speed: javac's contexts are reused between tasks ({@code JavacTaskPool}, which JShell uses too), so the JDK's
 * classes are read and entered once per context instead of once per cell: about 2 ms instead of 9 for a small
 * class. The pool is javac's internal API; the kernel's jar exports it to itself ({@code Add-Exports} in its
 * manifest). Without the export (another launcher), every task gets a fresh context: slower, same results.
 * Between tasks the package {@code REPL} is emptied in the reused context, so that the next task lists it again
 * and sees the classes compiled since.
 */
final class SessionCompiler {

    /** What to compile: a top-level class of package REPL. */
    record Unit(String className, String source) {
    }

    /** After analysis, before generation: looks at the attributed trees; returns false to skip generating. */
    interface Inspector {
        boolean inspect(JavacTask task, Trees trees, List<CompilationUnitTree> units);

        /** Whether it also looks when analysis found errors (what it returns then does not matter). */
        default boolean afterErrors() {
            return false;
        }

        /** {@code inspector}, also called when there are errors (to learn what analysis found all the same). */
        static Inspector evenAfterErrors(Inspector inspector) {
            return new Inspector() {
                @Override
                public boolean inspect(JavacTask task, Trees trees, List<CompilationUnitTree> units) {
                    return inspector.inspect(task, trees, units);
                }

                @Override
                public boolean afterErrors() {
                    return true;
                }
            };
        }
    }

    /** Errors (if any), and the class files written (empty when there were errors or generation was skipped). */
    record Result(List<Diagnostic<? extends JavaFileObject>> errors, Map<String, byte[]> classes) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Line numbers for stack traces; parameter names for inspection ({@code twiceOf(int n)}). */
    static final List<String> OPTIONS = List.of("-proc:none", "-Xlint:none", "-g:source,lines", "-parameters");

    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final ReplFileManager files;
    private JavacTaskPool pool;
    private boolean poolUsable = true;
    private long compilations;

    SessionCompiler(ReplFileManager files) {
        this.files = files;
        this.pool = newPool();
    }

    /** How many compilations ran (tests: how many a snippet took). */
    long compilations() {
        return compilations;
    }

    /** The top-level class names of package {@code pkg} on the class path (empty when it has none there). */
    Set<String> classPathTypeNames(String pkg) {
        Set<String> names = new HashSet<>();
        try {
            for (JavaFileObject f : files.list(StandardLocation.CLASS_PATH, pkg, Set.of(JavaFileObject.Kind.CLASS), false)) {
                String binary = files.inferBinaryName(StandardLocation.CLASS_PATH, f);
                String simple = binary.substring(binary.lastIndexOf('.') + 1);
                int nested = simple.indexOf('$');
                names.add(nested < 0 ? simple : simple.substring(0, nested));
            }
        } catch (IOException e) {
            return Set.of(); // unknown: the import stays in every compilation
        }
        return names;
    }

    /** The class path changed: contexts remember what packages held, so start with new ones. */
    void classPathChanged() {
        pool = newPool();
    }

    private JavacTaskPool newPool() {
        try {
            return new JavacTaskPool(1);
        } catch (IllegalAccessError e) {
            poolUsable = false; // jdk.compiler's internals are not exported to us: plain tasks
            return null;
        }
    }

    /**
     * Compiles {@code units} with {@code visible} classes of package REPL on the class path (what their imports need,
     * and what those need in turn). {@code inspector} may be null.
     */
    Result compile(List<Unit> units, Collection<String> visible, Inspector inspector) {
        compilations++;
        List<JavaFileObject> sources = new ArrayList<>();
        for (Unit u : units) {
            sources.add(new Source(u));
        }
        files.showOnly(visible);
        try {
            if (poolUsable) {
                DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
                try {
                    return pool.getTask(null, files, diagnostics, OPTIONS, null, sources, task -> {
                        Context context = ((JavacTaskImpl) task).getContext(); // the task lets go of it when done
                        try {
                            return run((JavacTask) task, diagnostics, inspector);
                        } finally {
                            List<String> seen = new ArrayList<>(visible);
                            units.forEach(u -> seen.add(u.className()));
                            seen.addAll(files.outputNames());
                            forgetReplPackage(context, seen);
                        }
                    });
                } catch (IllegalAccessError e) {
                    poolUsable = false; // not exported after all: plain tasks from now on
                }
            }
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            JavacTask task = (JavacTask) javac.getTask(null, files, diagnostics, OPTIONS, null, sources);
            return run(task, diagnostics, inspector);
        } finally {
            files.showAll();
        }
    }

    private Result run(JavacTask task, DiagnosticCollector<JavaFileObject> diagnostics, Inspector inspector) {
        try {
            List<CompilationUnitTree> units = new ArrayList<>();
            task.parse().forEach(units::add);
            task.analyze();
            List<Diagnostic<? extends JavaFileObject>> errors = errors(diagnostics);
            if (!errors.isEmpty()) {
                if (inspector != null && inspector.afterErrors()) {
                    inspector.inspect(task, Trees.instance(task), units);
                }
                return new Result(errors, Map.of());
            }
            if (inspector != null && !inspector.inspect(task, Trees.instance(task), units)) {
                return new Result(List.of(), Map.of());
            }
            task.generate();
            errors = errors(diagnostics);
            return new Result(errors, errors.isEmpty() ? files.output() : Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Diagnostic<? extends JavaFileObject>> errors(DiagnosticCollector<JavaFileObject> diagnostics) {
        List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(d);
            }
        }
        return errors;
    }

    /**
     * The reused context must read package REPL afresh next time: it gains classes with every cell, and javac 25
     * keeps traces of classes compiled from source in it. So the REPL classes this task saw or made leave the
     * context (as JShell does with its own, but without walking every class javac knows, which cost more than the
     * compilation), and the package is listed again.
     */
    private static void forgetReplPackage(Context context, Collection<String> classNames) {
        Symtab syms = Symtab.instance(context);
        Names names = Names.instance(context);
        ModuleSymbol module = syms.java_base == syms.noModule ? syms.noModule : syms.unnamedModule;
        for (String name : classNames) {
            syms.removeClass(module, names.fromString(name));
        }
        PackageSymbol repl = syms.getPackage(module, names.fromString(ReplFileManager.PACKAGE));
        if (repl != null) {
            repl.members_field = null;
            repl.completer = ClassFinder.instance(context).getCompleter();
        }
    }

    /** A unit's source, named after its class so that javac is content with a public class in it. */
    private static final class Source extends SimpleJavaFileObject {

        final Unit unit;

        Source(Unit unit) {
            super(URI.create("string:///" + unit.className().replace('.', '/') + ".java"), Kind.SOURCE);
            this.unit = unit;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return unit.source();
        }
    }
}
