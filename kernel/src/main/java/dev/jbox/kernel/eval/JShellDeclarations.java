package dev.jbox.kernel.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.ImportSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Both directions of the sharing between JShell and {@link DirectPath}:
 * <ul>
 * <li>what JShell declares (names, the classes that hold them, the names its declarations mention and the ones
 * its unresolved snippets wait for), read again after every JShell evaluation, for the direct path;</li>
 * <li>mirrors: import snippets in JShell that make the direct path's declarations visible to JShell snippets,
 * completion and inspection. They are added only for the names a JShell snippet or a completion mentions, so
 * JShell's own compilations stay as small as the direct path's.</li>
 * </ul>
 */
final class JShellDeclarations implements DirectPath.JShellSide {

    private record Mirror(ImportSnippet snippet, String holder) {
    }

    private JShell jshell;
    private SourceCodeAnalysis analysis;
    private final SessionNames direct;
    private final Supplier<Collection<String>> jshellClasses;
    private final Map<String, Map<SessionNames.Kind, Mirror>> mirrors = new HashMap<>();
    private volatile Set<String> owned = Set.of();
    /** Names of JShell's active declarations, with their kinds. */
    private volatile Map<String, Set<SessionNames.Kind>> declaredKinds = Map.of();
    private long mirrorSnippets;
    private volatile Set<String> mentioned = Set.of();
    private volatile Map<String, List<String>> importLines = Map.of();

    /** Until {@link #attach}, JShell declares nothing. */
    JShellDeclarations(SessionNames direct, Supplier<Collection<String>> jshellClasses) {
        this.direct = direct;
        this.jshellClasses = jshellClasses;
    }

    /** The session's JShell, once it exists (mirrors and {@link #refresh} need it). */
    void attach(JShell jshell) {
        this.jshell = jshell;
        this.analysis = jshell.sourceCodeAnalysis();
    }

    @Override
    public boolean owns(String name) {
        return owned.contains(name);
    }

    @Override
    public List<String> importLines(String name) {
        return importLines.getOrDefault(name, List.of());
    }

    @Override
    public boolean mentions(String name) {
        return mentioned.contains(name);
    }

    @Override
    public Collection<String> classNames() {
        return jshellClasses.get();
    }

    /** Whether JShell holds an active declaration of {@code name} of {@code kind}. */
    boolean declares(String name, SessionNames.Kind kind) {
        return declaredKinds.getOrDefault(name, Set.of()).contains(kind);
    }

    /** How many snippets JShell evaluated to make the direct path's declarations visible to it. */
    long mirrorSnippets() {
        return mirrorSnippets;
    }

    /** Reads JShell's declarations again (after it evaluated something). */
    void refresh() {
        Set<String> own = new HashSet<>();
        Map<String, Set<SessionNames.Kind>> kinds = new HashMap<>();
        Set<String> mention = new HashSet<>();
        Map<String, List<String>> lines = new LinkedHashMap<>();
        jshell.snippets().forEach(s -> {
            if (!(s instanceof DeclarationSnippet d) || !jshell.status(s).isActive()) {
                return;
            }
            own.add(d.name());
            kinds.computeIfAbsent(d.name(), n -> new HashSet<>()).add(switch (d.kind()) {
                case METHOD -> SessionNames.Kind.METHOD;
                case TYPE_DECL -> SessionNames.Kind.TYPE;
                default -> SessionNames.Kind.VARIABLE;
            });
            mention.addAll(JavaTokens.identifiers(d.source()));
            Snippet.Status status = jshell.status(s);
            if (status == Snippet.Status.RECOVERABLE_DEFINED || status == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                jshell.unresolvedDependencies(d).forEach(u -> own.add(unresolvedName(u)));
            }
            if (status.isDefined()) {
                try {
                    String cls = analysis.wrapper(s).fullClassName();
                    String line = d.kind() == Snippet.Kind.TYPE_DECL ? "import " + cls + "." + d.name() + ";"
                            : "import static " + cls + "." + d.name() + ";";
                    lines.computeIfAbsent(d.name(), n -> new ArrayList<>()).add(line);
                } catch (RuntimeException e) {
                    // no wrapper: the direct path cannot use it; JShell will compile what needs it
                    own.add(d.name());
                }
            }
        });
        owned = own;
        declaredKinds = kinds;
        mentioned = mention;
        importLines = lines;
    }

    /** "method laterMethod()" or "variable x" (JShell's wording) to "laterMethod" / "x". */
    static String unresolvedName(String description) {
        String s = description.strip();
        int space = s.lastIndexOf(' ', s.indexOf('(') < 0 ? s.length() : s.indexOf('('));
        s = s.substring(space + 1);
        int paren = s.indexOf('(');
        return paren < 0 ? s : s.substring(0, paren);
    }

    /** Makes the direct path's declarations named in {@code names} visible to JShell (as they are now). */
    void mirror(Collection<String> names) {
        boolean changed = false;
        for (String name : names) {
            for (SessionNames.Declaration d : direct.all(name)) {
                Mirror m = mirrors.getOrDefault(name, Map.of()).get(d.kind());
                if (m != null && m.holder().equals(d.holder()) && jshell.status(m.snippet()).isActive()) {
                    continue;
                }
                mirrorSnippets++;
                for (SnippetEvent e : jshell.eval(d.importLine())) {
                    if (e.causeSnippet() == null && e.snippet() instanceof ImportSnippet i && e.status().isActive()) {
                        mirrors.computeIfAbsent(name, n -> new HashMap<>()).put(d.kind(), new Mirror(i, d.holder()));
                    }
                }
                changed = true;
            }
        }
        if (changed) {
            refresh(); // the import updated JShell snippets that were waiting for these names
        }
    }

    /** Withdraws the mirrors of {@code name} (JShell is about to declare it itself). */
    void unmirror(String name) {
        Map<SessionNames.Kind, Mirror> m = mirrors.remove(name);
        if (m == null) {
            return;
        }
        for (Mirror mirror : m.values()) {
            if (jshell.status(mirror.snippet()).isActive()) {
                jshell.drop(mirror.snippet());
            }
        }
    }

    /** Whether {@code s} is one of the mirror imports (not a user's import). */
    boolean isMirror(Snippet s) {
        for (Map<SessionNames.Kind, Mirror> m : mirrors.values()) {
            for (Mirror mirror : m.values()) {
                if (mirror.snippet() == s) {
                    return true;
                }
            }
        }
        return false;
    }
}
