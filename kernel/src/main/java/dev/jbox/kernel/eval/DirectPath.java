package dev.jbox.kernel.eval;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;

/**
 * jbox's own compile path for the common snippets (expressions, statements, variable, method and type
 * declarations): each is compiled by javac in a class of its own, importing by name only the session's declarations
 * it mentions, so its cost does not grow with the number of earlier declarations as JShell's does (JShell imports
 * every active declaration into every compilation). JShell stays for everything else; see {@link #prepare} for when
 * a snippet is left to it, and {@link JShellEvaluator} for how the two share the session.
 *
 * <p>The wrapper puts the package, the imports and the class header on line 1 and the snippet, verbatim, from line
 * 2 on, so a line in a stack trace is the snippet's line plus one. As in JShell, declarations become public static
 * members of their wrapper class; a variable's initializer runs as a local declaration in {@code do_it$}, whose
 * value is then stored in the field (so {@code int[] a = {1, 2};} and {@code var} work as written).
 */
final class DirectPath {

    /** What JShell knows that this path must respect. */
    interface JShellSide {
        /** JShell declares {@code name} (any kind), or one of its snippets waits for it to be declared. */
        boolean owns(String name);

        /** Import lines for JShell's own declarations named {@code name} (empty when none). */
        List<String> importLines(String name);

        /** A declaration JShell holds mentions {@code name}: redefining it is JShell's business. */
        boolean mentions(String name);

        /** JShell's class files in package REPL (a compilation using its declarations lists them all). */
        Collection<String> classNames();

        /** A session without JShell declarations (the compiler warm-up's). */
        JShellSide NONE = new JShellSide() {
            @Override
            public boolean owns(String name) {
                return false;
            }

            @Override
            public List<String> importLines(String name) {
                return List.of();
            }

            @Override
            public boolean mentions(String name) {
                return false;
            }

            @Override
            public Collection<String> classNames() {
                return List.of();
            }
        };
    }

    /**
     * A compiled and loaded snippet: run {@code className}'s {@code do_it$} (null: nothing to run, a method or type);
     * {@code showsValue}: its result is the cell's value; {@code cacheable}: running it again is what running the
     * same text again means (an expression or statement).
     */
    record Prepared(String className, String snippetId, boolean showsValue, boolean cacheable) {
    }

    static final String CLASS_PREFIX = ReplFileManager.PACKAGE + ".$JBox$";
    private static final System.Logger LOG = System.getLogger("jbox.eval");
    private static final String DO_IT = "do_it$";

    private final InProcessExecution execution;
    private final SessionCompiler compiler;
    private final Map<String, byte[]> classFiles;
    private final JShellSide jshell;
    private final SessionNames names;
    /** The session's imports; each compilation carries those its text may use. */
    private final CellImports imports = new CellImports();
    /** Guesses of var declarations' types, so that most take one compilation. */
    private final VarTypeGuess varTypes = new VarTypeGuess();
    /** Per method name called last in an expression: whether it was void last time (then try a statement first). */
    private final Map<String, Boolean> voidCalls = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1024;
        }
    };
    private long serial;
    private int lastVisible;

    /**
     * @param classFiles the map the {@link ReplFileManager} serves the session's classes from; this class owns it
     */
    DirectPath(InProcessExecution execution, SessionCompiler compiler, Map<String, byte[]> classFiles, SessionNames names,
            JShellSide jshell) {
        this.execution = execution;
        this.compiler = compiler;
        this.classFiles = classFiles;
        this.names = names;
        this.jshell = jshell;
    }

    static Map<String, byte[]> newClassFileMap() {
        return new ConcurrentHashMap<>();
    }

    SessionNames names() {
        return names;
    }

    /** Adds an import every later compilation carries when it may use it (after JShell accepted it). */
    void addImport(String line) {
        imports.add(line);
    }

    /**
     * Learns which names the on-demand imports bring in, so that compilations can leave out those they do not use;
     * until then they carry all. Thread-safe, and slow the first time: the kernel calls it off the cells' path.
     */
    void learnImports() {
        imports.learnMembers();
    }

    /**
     * Learns which names the on-demand imports of class path packages bring in (the kernel's {@code dev.jbox.client},
     * a library's). Lists the class path as compilations do, so only with the session held: at start, after an
     * import, and after the class path changed ({@code changed}: what was learned of it may be out of date).
     */
    void learnClassPathImports(boolean changed) {
        if (changed) {
            imports.forgetClassPathMembers();
        }
        imports.learnClassPathMembers(compiler::classPathTypeNames);
    }

    /** How many of the session's classes the last compilation could see (tests: it follows the cell, not the session). */
    int lastVisibleCount() {
        return lastVisible;
    }

    /** Whether {@code holder} (a top-level class name) is one of this path's. */
    static boolean isOwnClass(String className) {
        return className.startsWith(CLASS_PREFIX);
    }

    /** The snippet id of a wrapper class of this path (frames name it), or null. */
    String snippetIdOf(String topLevelClass) {
        SessionNames.Declaration d = names.byHolder(topLevelClass);
        if (d != null) {
            return d.snippetId();
        }
        return topLevelClass.startsWith(CLASS_PREFIX) ? "j" + topLevelClass.substring(CLASS_PREFIX.length()) : null;
    }

    /**
     * Compiles and loads {@code source} (one snippet, of shape {@code shape}) when this path can take it; returns
     * null to leave it to JShell, with nothing changed: when it is not an expression, statement or declaration of
     * the kinds above, when it does not compile here (JShell then says what is wrong, and handles forward references
     * its own way), when it declares a name JShell holds or waits for, mentions JShell's declarations, overloads a
     * method of an earlier cell, or redefines a name other declarations depend on (JShell then updates them).
     */
    Prepared prepare(String source, SnippetShape shape) throws ExecutionControl.ExecutionControlException {
        Set<String> mentioned = JavaTokens.identifiers(source);
        return switch (shape.kind()) {
            case EXPRESSION -> expression(source, mentioned);
            case STATEMENT -> statement(source, mentioned);
            case VARIABLE -> variable(source, shape, mentioned);
            case METHOD -> method(source, shape, mentioned);
            case TYPE -> type(source, shape, mentioned);
            default -> null;
        };
    }

    // ---- expressions and statements

    private Prepared expression(String source, Set<String> mentioned) throws ExecutionControl.ExecutionControlException {
        String expression = source.strip();
        while (expression.endsWith(";")) {
            expression = expression.substring(0, expression.length() - 1).stripTrailing();
        }
        String called = lastCall(expression);
        Scope scope = scope(mentioned, false);
        if (scope == null) {
            return null;
        }
        if (called != null && Boolean.TRUE.equals(voidCalls.get(called))) {
            Prepared p = voidStatement(expression, scope, called);
            if (p != null) {
                return p;
            }
        }
        String id = nextId();
        String cls = CLASS_PREFIX + serial;
        String header = "public static Object " + DO_IT + "() throws Throwable { return";
        SessionCompiler.Result r = compile(unit(cls, scope, header, expression, "\n; } }"), scope, null);
        if (!r.ok()) {
            if (isVoidValue(r.errors())) {
                if (called != null) {
                    voidCalls.put(called, true);
                }
                return voidStatement(expression, scope, null);
            }
            return null;
        }
        if (called != null) {
            voidCalls.put(called, false);
        }
        load(r.classes());
        return new Prepared(cls, id, true, true);
    }

    /**
     * {@code expression} as a statement, if it is a void one. When {@code verify} names the method it calls, the
     * compilation checks the expression really is void before generating (a guess from an earlier cell).
     */
    private Prepared voidStatement(String expression, Scope scope, String verify) throws ExecutionControl.ExecutionControlException {
        String id = nextId();
        String cls = CLASS_PREFIX + serial;
        boolean[] isVoid = {true};
        SessionCompiler.Inspector check = verify == null ? null : (task, trees, units) -> {
            StatementTree st = doItStatements(units.get(0)).get(0);
            if (st instanceof ExpressionStatementTree es) {
                TypeMirror t = trees.getTypeMirror(TreePath.getPath(units.get(0), es.getExpression()));
                isVoid[0] = t != null && t.getKind() == TypeKind.VOID;
            }
            return isVoid[0];
        };
        SessionCompiler.Result r = compile(unit(cls, scope, "public static Object " + DO_IT + "() throws Throwable {",
                expression, "\n; return null; } }"), scope, check);
        if (!r.ok() || r.classes().isEmpty()) {
            if (verify != null && !isVoid[0]) {
                voidCalls.put(verify, false);
            }
            return null;
        }
        load(r.classes());
        return new Prepared(cls, id, false, true);
    }

    private Prepared statement(String source, Set<String> mentioned) throws ExecutionControl.ExecutionControlException {
        Scope scope = scope(mentioned, false);
        if (scope == null) {
            return null;
        }
        String id = nextId();
        String cls = CLASS_PREFIX + serial;
        // if (true) { ... }: a statement that cannot complete normally (throw, endless loop) still leaves the return reachable
        SessionCompiler.Result r = compile(unit(cls, scope, "public static Object " + DO_IT + "() throws Throwable { if (true) {",
                source, "\n} return null; } }"), scope, null);
        if (!r.ok()) {
            return null;
        }
        load(r.classes());
        return new Prepared(cls, id, false, true);
    }

    /** The error of compiling a void expression as a value: one error, "incompatible types: void ...", over the expression. */
    private static boolean isVoidValue(List<Diagnostic<? extends JavaFileObject>> errors) {
        if (errors.size() != 1) {
            return false;
        }
        Diagnostic<? extends JavaFileObject> d = errors.get(0);
        return "compiler.err.prob.found.req".equals(d.getCode()) && d.getMessage(java.util.Locale.ROOT).contains("void");
    }

    /** The name of the method an expression ends by calling ({@code a.b().println(x)}: println), or null. */
    static String lastCall(String expression) {
        return lastCall(JavaTokens.of(expression));
    }

    /** The same, of an expression's tokens. */
    static String lastCall(List<JavaTokens.Token> t) {
        if (t.isEmpty() || !t.get(t.size() - 1).is(")")) {
            return null;
        }
        int depth = 0;
        for (int i = t.size() - 1; i >= 0; i--) {
            String s = t.get(i).text();
            if (s.equals(")")) {
                depth++;
            } else if (s.equals("(") && --depth == 0) {
                return i > 0 && t.get(i - 1).isWord() ? t.get(i - 1).text() : null;
            }
        }
        return null;
    }

    // ---- declarations

    private Prepared variable(String source, SnippetShape shape, Set<String> mentioned) throws ExecutionControl.ExecutionControlException {
        String name = shape.name();
        if (!mayDeclare(name, SessionNames.Kind.VARIABLE, mentioned)) {
            return null;
        }
        String body = source.strip().endsWith(";") ? source : source + ";";
        if (shape.typeText() == null) {
            return inferredVariable(source, name, body, mentioned);
        }
        Set<String> typeMentions = JavaTokens.identifiers(shape.typeText());
        Set<String> all = new LinkedHashSet<>(mentioned);
        all.addAll(typeMentions);
        Scope scope = scope(all, true);
        if (scope == null) {
            return null;
        }
        String cls = CLASS_PREFIX + (serial + 1);
        SessionCompiler.Result r = compile(variableUnit(cls, scope, shape.typeText(), name, body, shape.hasInitializer()), scope, null);
        if (!r.ok()) {
            return null;
        }
        return declareVariable(source, name, cls, r, shape.typeText(), typeMentions, scope);
    }

    /**
     * A {@code var} declaration: javac infers the type, which the field must then spell out. The first compilation
     * declares the field with a guessed type ({@link VarTypeGuess}; Object without one) and checks that it is the
     * inferred type itself; only when it is not does a second compilation declare the field with the inferred type.
     */
    private Prepared inferredVariable(String source, String name, String body, Set<String> mentioned)
            throws ExecutionControl.ExecutionControlException {
        String guess = varTypes.guess(body);
        Scope scope = null;
        if (guess != null) { // the guess may name a session class the initializer does not (a call's type, learned)
            Set<String> withGuess = new LinkedHashSet<>(mentioned);
            withGuess.addAll(JavaTokens.identifiers(guess));
            scope = scope(withGuess, true);
            if (scope == null) {
                guess = null;
            }
        }
        if (scope == null) {
            scope = scope(mentioned, true);
        }
        if (scope == null) {
            return null;
        }
        String cls = CLASS_PREFIX + (serial + 1);
        String[] inferred = {null};
        boolean[] guessedRight = {false};
        SessionCompiler.Result r = compile(variableUnit(cls, scope, guess == null ? "Object" : guess, name, body, true), scope,
                SessionCompiler.Inspector.evenAfterErrors((task, trees, units) -> {
                    CompilationUnitTree unit = units.get(0);
                    List<? extends StatementTree> statements = doItStatements(unit);
                    Element local = statements.isEmpty() || !(statements.get(0) instanceof VariableTree v) ? null
                            : trees.getElement(TreePath.getPath(unit, v));
                    Element field = null;
                    for (Tree member : wrapper(unit).getMembers()) {
                        if (member instanceof VariableTree f && f.getName().contentEquals(name)) {
                            field = trees.getElement(TreePath.getPath(unit, f));
                        }
                    }
                    if (local == null) {
                        return false;
                    }
                    inferred[0] = TypeText.of(local.asType());
                    guessedRight[0] = inferred[0] != null && field != null && task.getTypes().isSameType(local.asType(), field.asType());
                    return guessedRight[0];
                }));
        if (inferred[0] == null) {
            return null;
        }
        String typeText = inferred[0];
        Set<String> typeMentions = JavaTokens.identifiers(typeText);
        if (typeMentions.stream().anyMatch(jshell::owns)) {
            return null; // its type is one of JShell's classes: JShell must track it
        }
        varTypes.learned(body, typeText);
        Set<String> all = new LinkedHashSet<>(mentioned);
        all.addAll(typeMentions);
        Scope full = scope(all, true);
        if (full == null) {
            return null;
        }
        if (!(r.ok() && guessedRight[0] && full.holders().equals(scope.holders()))) {
            r = compile(variableUnit(cls, full, typeText, name, body, true), full, null);
            if (!r.ok()) {
                return null;
            }
        }
        return declareVariable(source, name, cls, r, typeText, typeMentions, full);
    }

    /** The wrapper of a variable: its field, and do_it$ running the declaration as a local and storing its value. */
    private SessionCompiler.Unit variableUnit(String cls, Scope scope, String typeText, String name, String body, boolean stores) {
        String store = stores ? cls + "." + name + " = " + name + ";" : "";
        return unit(cls, scope, "public static " + typeText.replaceAll("\\s+", " ") + " " + name + "; public static Object "
                + DO_IT + "() throws Throwable {", body, "\n" + store + " return null; } }");
    }

    private Prepared declareVariable(String source, String name, String cls, SessionCompiler.Result compiled, String typeText,
                                     Set<String> typeMentions, Scope scope) throws ExecutionControl.ExecutionControlException {
        String id = nextId();
        declare(new SessionNames.Declaration(SessionNames.Kind.VARIABLE, name, cls, Map.copyOf(compiled.classes()),
                typeMentions, scope.holders(), source, "", typeText.replaceAll("\\s+", " "), id), compiled.classes());
        return new Prepared(cls, id, false, false);
    }

    private Prepared method(String source, SnippetShape shape, Set<String> mentioned) throws ExecutionControl.ExecutionControlException {
        String name = shape.name();
        String[] signature = {null};
        SessionCompiler.Inspector erasedSignature = (task, trees, units) -> {
            for (Tree member : wrapper(units.get(0)).getMembers()) {
                if (member instanceof MethodTree m && m.getName().contentEquals(name)) {
                    ExecutableElement e = (ExecutableElement) trees.getElement(TreePath.getPath(units.get(0), m));
                    signature[0] = e.getParameters().stream().map(p -> task.getTypes().erasure(p.asType()).toString())
                            .collect(Collectors.joining(","));
                }
            }
            SessionNames.Declaration old = names.get(name, SessionNames.Kind.METHOD);
            return signature[0] != null && (old == null || old.signature().equals(signature[0]));
        };
        // not compiled: an overload of an earlier cell's method (JShell compiles overloads together)
        return member(SessionNames.Kind.METHOD, name, source, mentioned, erasedSignature,
                (cls, classes) -> !classes.isEmpty(), () -> signature[0]);
    }

    private Prepared type(String source, SnippetShape shape, Set<String> mentioned) throws ExecutionControl.ExecutionControlException {
        String name = shape.name();
        return member(SessionNames.Kind.TYPE, name, source, mentioned, null,
                (cls, classes) -> classes.containsKey(cls + "$" + name), () -> "");
    }

    /**
     * A method or a type, compiled as a static member of a class of its own and declared in the session; null when
     * JShell must take it (see {@link #mayDeclare}), or when it does not compile or {@code compiled} says it is not
     * what this path declares.
     */
    private Prepared member(SessionNames.Kind kind, String name, String source, Set<String> mentioned,
                            SessionCompiler.Inspector inspector, BiPredicate<String, Map<String, byte[]>> compiled,
                            Supplier<String> signature) throws ExecutionControl.ExecutionControlException {
        if (!mayDeclare(name, kind, mentioned)) {
            return null;
        }
        Scope scope = scope(mentioned, true);
        if (scope == null) {
            return null;
        }
        String id = nextId();
        String cls = CLASS_PREFIX + serial;
        SessionCompiler.Result r = compile(unit(cls, scope, "public static", source, "\n}"), scope, inspector);
        if (!r.ok() || !compiled.test(cls, r.classes())) {
            return null;
        }
        declare(new SessionNames.Declaration(kind, name, cls, Map.copyOf(r.classes()), mentioned,
                scope.holders(), source, signature.get(), null, id), r.classes());
        return new Prepared(null, id, false, false);
    }

    /**
     * Whether this path may declare {@code name} of {@code kind}: JShell neither holds nor awaits the name, the
     * declaration mentions none of JShell's names (JShell would not update it when they change), no other kind of
     * declaration has the name here, and nothing depends on what it replaces.
     */
    private boolean mayDeclare(String name, SessionNames.Kind kind, Set<String> mentioned) {
        if (jshell.owns(name) || jshell.mentions(name)) {
            return false;
        }
        for (String m : mentioned) {
            if (!m.equals(name) && jshell.owns(m)) {
                return false;
            }
        }
        for (SessionNames.Declaration d : names.all(name)) {
            if (d.kind() != kind) {
                return false;
            }
        }
        SessionNames.Declaration old = names.get(name, kind);
        return old == null || names.dependents(name, old).isEmpty();
    }

    private void declare(SessionNames.Declaration d, Map<String, byte[]> classes) throws ExecutionControl.ExecutionControlException {
        load(classes);
        classFiles.putAll(d.classes());
        SessionNames.Declaration old = names.put(d);
        if (old != null) {
            release(old);
        }
    }

    /**
     * Forgets a replaced or dropped declaration: javac no longer sees its classes, and its variable no longer keeps
     * its value reachable (an old object graph would otherwise stay in memory for the rest of the session).
     */
    void release(SessionNames.Declaration d) {
        d.classes().keySet().forEach(classFiles::remove);
        if (d.kind() == SessionNames.Kind.VARIABLE) {
            try {
                Field f = execution.classNamed(d.holder()).getField(d.name());
                if (!f.getType().isPrimitive() && Modifier.isStatic(f.getModifiers())) {
                    f.set(null, null);
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // nothing held
            }
        }
    }

    /** Makes {@code d} the declaration of its name again (the kernel's value variable, after a user's replaced it). */
    void redeclare(SessionNames.Declaration d) {
        SessionNames.Declaration replaced = names.put(d);
        if (replaced != null && replaced != d) {
            release(replaced);
        }
        classFiles.putAll(d.classes());
    }

    /** Removes {@code d} (JShell took its name over). */
    void drop(SessionNames.Declaration d) {
        names.remove(d);
        release(d);
    }

    private void load(Map<String, byte[]> classes) throws ExecutionControl.ExecutionControlException {
        ClassBytecodes[] cbcs = classes.entrySet().stream().map(e -> new ClassBytecodes(e.getKey(), e.getValue()))
                .toArray(ClassBytecodes[]::new);
        execution.load(cbcs); // through the engine: on JDK 22+ it weaves the stop checks an interrupt relies on
    }

    private String nextId() {
        serial++;
        return "j" + serial;
    }

    // ---- what a compilation sees

    /**
     * The imports a snippet mentioning {@code mentioned} needs, and the class files package REPL must list for them.
     * Null when a declaration would mention JShell's declarations.
     */
    private record Scope(String imports, Collection<String> visible, Set<String> holders, Set<String> mentioned) {
    }

    private Scope scope(Set<String> mentioned, boolean declaration) {
        StringBuilder lines = new StringBuilder();
        Set<String> holders = new LinkedHashSet<>();
        boolean usesJShell = false;
        for (String m : mentioned) {
            for (SessionNames.Declaration d : names.all(m)) {
                lines.append(' ').append(d.importLine());
                holders.add(d.holder());
            }
            List<String> js = jshell.importLines(m);
            if (!js.isEmpty()) {
                if (declaration) {
                    return null;
                }
                usesJShell = true;
                js.forEach(l -> lines.append(' ').append(l));
            }
        }
        Collection<String> visible;
        if (usesJShell) {
            visible = new ArrayList<>(classFiles.keySet()); // JShell's classes may refer to any of ours
            visible.addAll(jshell.classNames());
        } else {
            visible = new LinkedHashSet<>();
            addClosure(holders, visible, new LinkedHashSet<>());
        }
        return new Scope(lines.toString(), visible, holders, mentioned);
    }

    /** The class files of {@code holders} and of the holders their compilations used, transitively. */
    private void addClosure(Collection<String> holders, Collection<String> visible, Set<String> seen) {
        for (String h : holders) {
            if (!seen.add(h)) {
                continue;
            }
            SessionNames.Declaration d = names.byHolder(h);
            if (d != null) {
                visible.addAll(d.classes().keySet());
                addClosure(d.uses(), visible, seen);
            }
        }
    }

    /** Compiles, and says at debug level why the direct path leaves a snippet to JShell ({@code JBOX_LOG=debug}). */
    private SessionCompiler.Result compile(SessionCompiler.Unit unit, Scope scope, SessionCompiler.Inspector inspector) {
        lastVisible = scope.visible().size();
        SessionCompiler.Result r = compiler.compile(List.of(unit), scope.visible(), inspector);
        if (!r.ok() && LOG.isLoggable(System.Logger.Level.DEBUG)) {
            String snippet = unit.source().substring(unit.source().indexOf('\n') + 1);
            LOG.log(System.Logger.Level.DEBUG, "left to JShell: " + snippet.lines().findFirst().orElse("") + ": "
                    + r.errors().get(0).getMessage(java.util.Locale.ROOT).lines().findFirst().orElse(""));
        }
        return r;
    }

    private SessionCompiler.Unit unit(String cls, Scope scope, String header, String source, String footer) {
        String simple = cls.substring(ReplFileManager.PACKAGE.length() + 1);
        // the snippet's names were read once, for the scope; the wrapper's own text adds a few (a variable's type)
        Set<String> identifiers = new HashSet<>(scope.mentioned());
        identifiers.addAll(JavaTokens.identifiers(header + "\n" + footer));
        String first = "package " + ReplFileManager.PACKAGE + "; " + imports.linesFor(identifiers) + scope.imports()
                + " public class " + simple + " { " + header + "\n";
        return new SessionCompiler.Unit(cls, first + source + footer);
    }

    private static ClassTree wrapper(CompilationUnitTree unit) {
        return (ClassTree) unit.getTypeDecls().get(0);
    }

    /** The statements of the wrapper's do_it$ method, inside its {@code if (true)} block when there is one. */
    private static List<? extends StatementTree> doItStatements(CompilationUnitTree unit) {
        for (Tree member : wrapper(unit).getMembers()) {
            if (member instanceof MethodTree m && m.getName().contentEquals(DO_IT)) {
                List<? extends StatementTree> st = m.getBody().getStatements();
                if (!st.isEmpty() && st.get(0) instanceof IfTree i && i.getThenStatement() instanceof com.sun.source.tree.BlockTree b) {
                    return b.getStatements();
                }
                return st;
            }
        }
        return List.of();
    }

    /** The variable of {@code d}, for setting it (the value variable). */
    Field field(SessionNames.Declaration d) throws ReflectiveOperationException {
        return execution.classNamed(d.holder()).getField(d.name());
    }
}
