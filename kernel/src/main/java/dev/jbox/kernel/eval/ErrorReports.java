package dev.jbox.kernel.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.MethodSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.spi.ExecutionControl;

/** Turns JShell's diagnostics and exceptions into the {@code error} content users read: ename, evalue, traceback. */
final class ErrorReports {

    static final String COMPILE_ERROR = "CompileError";
    static final String UNRESOLVED = "UnresolvedReference";
    static final String INTERRUPTED = "Interrupted";

    private ErrorReports() {
    }

    static EvalResult interrupted() {
        String msg = "the cell was interrupted; definitions made before the interrupt are kept";
        return EvalResult.failed(INTERRUPTED, msg, List.of(INTERRUPTED + ": " + msg));
    }

    /**
     * Compile errors, javac style: "line N: message", the offending source line, a caret under the error.
     * {@code firstLine} is the 1-based line of the cell where {@code source} starts.
     */
    static EvalResult compileError(List<Diag> errors, String source, int firstLine) {
        if (errors.isEmpty()) {
            return EvalResult.failed(COMPILE_ERROR, "the snippet was rejected", List.of(COMPILE_ERROR + ": the snippet was rejected"));
        }
        List<String> traceback = new ArrayList<>();
        for (Diag d : errors) {
            String[] message = d.getMessage(Locale.ROOT).split("\\R");
            long pos = d.getPosition() >= 0 ? d.getPosition() : d.getStartPosition();
            if (pos < 0 || pos > source.length()) {
                traceback.add("error: " + message[0]);
            } else {
                int p = (int) pos;
                int lineStart = source.lastIndexOf('\n', p - 1) + 1;
                int lineEnd = source.indexOf('\n', p);
                if (lineEnd < 0) {
                    lineEnd = source.length();
                }
                int lineNo = firstLine + (int) source.substring(0, lineStart).chars().filter(c -> c == '\n').count();
                String line = source.substring(lineStart, lineEnd);
                traceback.add("line " + lineNo + ": error: " + message[0]);
                traceback.add("    " + line);
                traceback.add("    " + caret(line, p - lineStart, d, lineStart));
            }
            for (int i = 1; i < message.length; i++) {
                if (!message[i].isBlank() && !message[i].matches("\\s*location: class\\s*")) {
                    traceback.add(message[i]); // JShell's wrapper class has no name worth showing
                }
            }
        }
        String first = errors.get(0).getMessage(Locale.ROOT).split("\\R")[0];
        return EvalResult.failed(COMPILE_ERROR, first, traceback);
    }

    /** Spaces (tabs kept, so columns line up) up to {@code column}, then a caret spanning the error on that line. */
    private static String caret(String line, int column, Diag d, int lineStart) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < column && i < line.length(); i++) {
            b.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        long start = d.getStartPosition() - lineStart;
        long end = d.getEndPosition() - lineStart;
        if (start == column && end > start + 1 && end <= line.length()) {
            b.append('^').append("-".repeat((int) (end - start - 2))).append('^');
        } else {
            b.append('^');
        }
        return b.toString();
    }

    /**
     * What a snippet JShell ran threw. {@code directIds} names the snippets of the direct path's classes (see
     * {@link SnippetFrames}), whose frames JShell leaves as they are.
     */
    static EvalResult runtimeError(JShell jshell, JShellException e, SnippetLocations locations, Function<String, String> directIds) {
        if (e instanceof UnresolvedReferenceException ure) {
            return unresolved(jshell, ure.getSnippet());
        }
        if (e instanceof EvalException ee) {
            return thrown(Thrown.of(ee, directIds), locations);
        }
        String evalue = e.getMessage() == null ? "" : e.getMessage();
        return EvalResult.failed(e.getClass().getSimpleName(), evalue, List.of(e.getClass().getSimpleName() + ": " + evalue));
    }

    /**
     * The same report for what a snippet threw when the kernel invoked its compiled class itself (the direct path's
     * snippets, re-run cells): the execution engine's exceptions instead of JShell's.
     */
    static EvalResult runtimeError(JShell jshell, ExecutionControl.RunException e, SnippetLocations locations,
            Function<String, String> directIds) {
        if (e instanceof ExecutionControl.ResolutionException re) {
            Snippet s = jshell.snippets().filter(sn -> sn.id().equals(Integer.toString(re.id()))).findFirst().orElse(null);
            if (s instanceof DeclarationSnippet d) {
                return unresolved(jshell, d);
            }
        }
        return thrown(Thrown.of(e, jshell, directIds), locations);
    }

    private static EvalResult unresolved(JShell jshell, DeclarationSnippet s) {
        String msg = unresolvedMessage(jshell, s, "cannot be used");
        return EvalResult.failed(UNRESOLVED, msg, List.of(UNRESOLVED + ": " + msg));
    }

    private static EvalResult thrown(Thrown t, SnippetLocations locations) {
        List<String> traceback = new ArrayList<>();
        appendTrace(traceback, t, locations, "");
        return EvalResult.failed(t.className(), t.message() == null ? "" : withoutWrappers(t.message()), traceback);
    }

    /**
     * A message without the wrapper classes of snippets: the JVM's helpful NullPointerException names a variable
     * as {@code "REPL.$JShell$34.name"}; the user wrote {@code name}.
     */
    static String withoutWrappers(String message) {
        return message.replaceAll("REPL\\.\\$(JShell|JBox)\\$\\d+[A-Z]*\\.", "");
    }

    /** An exception thrown by cell code, as JShell and the execution engine both describe it: class name, message, frames. */
    private record Thrown(String className, String message, StackTraceElement[] frames, Thrown cause) {

        /** JShell translated the frames of its own classes; the direct path's are translated here. */
        static Thrown of(EvalException e, Function<String, String> directIds) {
            Thrown cause = e.getCause() instanceof EvalException c && c != e ? of(c, directIds) : null;
            return new Thrown(e.getExceptionClassName(), e.getMessage(), SnippetFrames.translate(null, directIds, e.getStackTrace()), cause);
        }

        /** Its frames are raw: snippet classes are translated as JShell translates them ({@link SnippetFrames}). */
        static Thrown of(ExecutionControl.RunException e, JShell jshell, Function<String, String> directIds) {
            Thrown cause = e.getCause() instanceof ExecutionControl.RunException c && c != e ? of(c, jshell, directIds) : null;
            String name = e instanceof ExecutionControl.UserException u ? u.causeExceptionClass() : e.getClass().getSimpleName();
            return new Thrown(name, e.getMessage(), SnippetFrames.translate(jshell, directIds, e.getStackTrace()), cause);
        }
    }

    private static void appendTrace(List<String> out, Thrown e, SnippetLocations locations, String prefix) {
        String msg = e.message();
        out.add(prefix + e.className() + (msg == null ? "" : ": " + withoutWrappers(msg)));
        StackTraceElement[] frames = e.frames();
        int last = -1;
        for (int i = 0; i < frames.length; i++) {
            if (isUserFrame(frames[i])) {
                last = i;
            }
        }
        for (int i = 0; i <= last; i++) {
            if (!isKernelFrame(frames[i])) {
                out.add("    at " + frame(frames[i], locations));
            }
        }
        if (e.cause() != null) {
            appendTrace(out, e.cause(), locations, "Caused by: ");
        }
    }

    /** The kernel's own frames (display API, stdin plumbing) above the user's call: noise to the user. */
    private static boolean isKernelFrame(StackTraceElement f) {
        return f.getClassName() != null && f.getClassName().startsWith("dev.jbox.kernel.");
    }

    /** Frames of notebook code: JShell names their file "#id" (the snippet id). */
    private static boolean isUserFrame(StackTraceElement f) {
        return f.getFileName() != null && f.getFileName().startsWith("#");
    }

    private static String frame(StackTraceElement f, SnippetLocations locations) {
        if (!isUserFrame(f)) {
            return f.toString();
        }
        String cls = f.getClassName() == null ? "" : f.getClassName().replaceFirst("^REPL\\.\\$(JShell|JBox)\\$\\d+[A-Z]*\\$?", "");
        String method = f.getMethodName() == null || f.getMethodName().equals("do_it$") ? "" : f.getMethodName();
        String name = cls.isEmpty() ? method : method.isEmpty() ? cls : cls + "." + method;
        String where = locations.describe(f.getFileName().substring(1), f.getLineNumber());
        return name.isEmpty() ? "(" + where + ")" : name + " (" + where + ")";
    }

    /** "method f() cannot be used until method g() is declared" and the like. */
    static String unresolvedMessage(JShell jshell, DeclarationSnippet s, String consequence) {
        List<String> missing = jshell.unresolvedDependencies(s).collect(Collectors.toList());
        String what = describe(s);
        if (missing.isEmpty()) {
            return what + " " + consequence + " because of errors in its definition";
        }
        return what + " " + consequence + " until " + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are") + " declared";
    }

    static String describe(DeclarationSnippet s) {
        if (s instanceof MethodSnippet m) {
            return "method " + m.name() + "(" + m.parameterTypes() + ")";
        }
        if (s.kind() == Snippet.Kind.TYPE_DECL) {
            return "type " + s.name();
        }
        return "variable " + s.name();
    }
}
