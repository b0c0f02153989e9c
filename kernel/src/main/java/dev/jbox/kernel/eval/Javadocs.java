package dev.jbox.kernel.eval;

import java.util.List;
import jdk.jshell.SourceCodeAnalysis.Documentation;

/** Formats JShell's documentation (signatures, raw javadoc comments) as plain text and as HTML. */
final class Javadocs {

    private Javadocs() {
    }

    static Inspection inspection(List<Documentation> docs) {
        StringBuilder plain = new StringBuilder();
        StringBuilder html = new StringBuilder();
        for (Documentation d : docs) {
            if (plain.length() > 0) {
                plain.append("\n\n");
            }
            String signature = withoutWrapper(d.signature());
            plain.append(signature);
            html.append("<div><pre><code>").append(escape(signature)).append("</code></pre>");
            if (d.javadoc() != null && !d.javadoc().isBlank()) {
                plain.append("\n\n").append(indent(toText(d.javadoc())));
                html.append("<div>").append(toHtml(d.javadoc())).append("</div>");
            }
            html.append("</div>");
        }
        return new Inspection(plain.toString(), html.toString());
    }

    /**
     * A signature of a session declaration as the user wrote it: without the wrapper class of the direct path
     * ({@code int REPL.$JBox$2.twiceOf(int n)} becomes {@code int twiceOf(int n)}), as JShell does for its own.
     */
    static String withoutWrapper(String signature) {
        return signature.replaceAll("REPL\\.\\$JBox\\$\\d+\\.", "");
    }

    /** Inline tags to their words, HTML tags dropped, entities for the common characters decoded. */
    static String toText(String javadoc) {
        String s = inlineTags(javadoc, false);
        s = s.replaceAll("(?i)<(p|br|li|pre|/pre|dt|dd)\\b[^>]*>", "\n").replaceAll("<[^>]+>", "");
        s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&nbsp;", " ").replace("&amp;", "&");
        return s.replaceAll("\n{3,}", "\n\n").strip();
    }

    static String toHtml(String javadoc) {
        String s = inlineTags(javadoc, true);
        // Block tags (@param, @return ...) on their own lines.
        return s.replaceAll("(?m)^\\s*@(\\w+)", "<br><b>@$1</b>");
    }

    private static String inlineTags(String s, boolean html) {
        String code = html ? "<code>$1</code>" : "$1";
        s = s.replaceAll("\\{@(?:code|literal)\\s+([^}]*)}", code);
        s = s.replaceAll("\\{@link(?:plain)?\\s+[^}\\s]+\\s+([^}]+)}", code);
        s = s.replaceAll("\\{@link(?:plain)?\\s+([^}\\s]+)\\s*}", code);
        return s.replaceAll("\\{@\\w+\\s*([^}]*)}", "$1");
    }

    private static String indent(String text) {
        return text.lines().map(l -> "    " + l.strip()).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
