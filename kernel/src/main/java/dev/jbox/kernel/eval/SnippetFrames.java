package dev.jbox.kernel.eval;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;

/**
 * Translates raw stack frames of snippet classes into JShell's form (file {@code "#id"}, line within the snippet),
 * as JShell itself does for exceptions of the snippets it runs. Needed for what a re-run cell throws
 * ({@link CompiledSnippets}): there the kernel, not JShell, invoked the class.
 *
 * <p>The line mapping comes from {@link SourceCodeAnalysis#wrapper}: JShell's wrapper source puts all imports on one
 * line, so a snippet's lines sit at the same wrapper lines however the session changed since it was compiled. The
 * direct path's classes ({@link DirectPath}) start the snippet on line 2 of theirs.
 */
final class SnippetFrames {

    /** A snippet's top-level class: {@code REPL.$JShell$12}, also the prefix of its nested classes and lambdas. */
    private static final Pattern SNIPPET_CLASS = Pattern.compile("^REPL\\.\\$JShell\\$\\w+");
    /** A top-level class of the direct path: {@code REPL.$JBox$12}. */
    private static final Pattern DIRECT_CLASS = Pattern.compile("^REPL\\.\\$JBox\\$\\d+");

    private record Wrapped(SnippetWrapper wrapper, String snippetId) {
    }

    private final JShell jshell;
    private final Function<String, String> directIds;
    private Map<String, Wrapped> byClass;

    private SnippetFrames(JShell jshell, Function<String, String> directIds) {
        this.jshell = jshell;
        this.directIds = directIds;
    }

    /**
     * {@code raw} with the frames of snippet classes translated: JShell's (unless {@code jshell} is null: JShell did
     * that already) and the direct path's, whose snippet ids {@code directIds} gives by top-level class.
     */
    static StackTraceElement[] translate(JShell jshell, Function<String, String> directIds, StackTraceElement[] raw) {
        SnippetFrames frames = new SnippetFrames(jshell, directIds);
        StackTraceElement[] out = new StackTraceElement[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = frames.translate(raw[i]);
        }
        return out;
    }

    private StackTraceElement translate(StackTraceElement f) {
        if (f.getClassName() == null) {
            return f;
        }
        Matcher direct = DIRECT_CLASS.matcher(f.getClassName());
        if (direct.find()) {
            String id = directIds.apply(direct.group());
            return id == null || f.getLineNumber() < 2 ? new StackTraceElement(f.getClassName(), f.getMethodName(), null, -1)
                    : new StackTraceElement(f.getClassName(), f.getMethodName(), "#" + id, f.getLineNumber() - 1);
        }
        Matcher m = jshell == null ? null : SNIPPET_CLASS.matcher(f.getClassName());
        if (m == null || !m.find()) {
            return f;
        }
        Wrapped w = wrapped(m.group());
        int line = w == null ? -1 : snippetLine(w.wrapper(), f.getLineNumber());
        if (line < 0) {
            return new StackTraceElement(f.getClassName(), f.getMethodName(), null, -1);
        }
        return new StackTraceElement(f.getClassName(), f.getMethodName(), "#" + w.snippetId(), line);
    }

    private Wrapped wrapped(String className) {
        if (byClass == null) {
            byClass = new HashMap<>(); // only when a trace has snippet frames: one pass over the session's snippets
            SourceCodeAnalysis analysis = jshell.sourceCodeAnalysis();
            jshell.snippets().forEach(s -> {
                try {
                    SnippetWrapper w = analysis.wrapper(s);
                    byClass.put(w.fullClassName(), new Wrapped(w, s.id()));
                } catch (RuntimeException e) {
                    // a snippet JShell cannot wrap (rejected, dropped) has no class on any stack
                }
            });
        }
        return byClass.get(className);
    }

    /** The 1-based snippet line of 1-based wrapper line {@code wrapperLine}, from the first position on it that maps. */
    private static int snippetLine(SnippetWrapper w, int wrapperLine) {
        String wrapped = w.wrapped();
        int start = 0;
        for (int l = 1; l < wrapperLine; l++) {
            int nl = wrapped.indexOf('\n', start);
            if (nl < 0) {
                return -1;
            }
            start = nl + 1;
        }
        int end = wrapped.indexOf('\n', start);
        end = end < 0 ? wrapped.length() : end;
        String source = w.source();
        for (int p = start; p < end; p++) {
            int s = w.wrappedToSourcePosition(p);
            if (s >= 0 && s <= source.length()) {
                return 1 + (int) source.substring(0, s).chars().filter(c -> c == '\n').count();
            }
        }
        return -1;
    }
}
