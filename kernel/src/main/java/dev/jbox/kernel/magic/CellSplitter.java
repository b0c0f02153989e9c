package dev.jbox.kernel.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a cell into Java code and magics.
 *
 * <p>The rule: a cell whose first non-blank line is {@code %%name args} is a cell magic, the rest of the cell
 * being its body. Otherwise a line is a line magic when it starts (in column 0) with {@code %name} or with
 * {@code !} followed by a non-blank character ({@code !cmd} means {@code %sh cmd}), <em>and</em> the Java
 * code collected since the previous magic is empty or complete. So a {@code %} or {@code !} line inside an
 * unfinished Java statement (a text block, a multi-line expression) stays Java. A complete Java line that
 * starts with {@code !} (like {@code !done}) must be written {@code (!done)}.
 */
public final class CellSplitter {

    private static final Pattern CELL_MAGIC = Pattern.compile("%%([A-Za-z_][\\w-]*)(\\?)?(?:[ \\t]+(.*))?");
    private static final Pattern LINE_MAGIC = Pattern.compile("%([A-Za-z_][\\w-]*)(\\?)?(?:[ \\t]+(.*))?");
    private static final Pattern BANG = Pattern.compile("!(\\S.*)");

    private final Predicate<String> javaComplete;

    /** {@code javaComplete} says whether a chunk of Java is a finished unit (the wrapped evaluator's is_complete). */
    public CellSplitter(Predicate<String> javaComplete) {
        this.javaComplete = javaComplete;
    }

    public List<CellPart> split(String cell) {
        List<CellPart> parts = new ArrayList<>();
        int firstLine = skipBlankLines(cell);
        if (cell.startsWith("%%", firstLine)) {
            int eol = cell.indexOf('\n', firstLine);
            String head = (eol < 0 ? cell.substring(firstLine) : cell.substring(firstLine, eol)).stripTrailing();
            String body = eol < 0 ? "" : cell.substring(eol + 1);
            Matcher m = CELL_MAGIC.matcher(head);
            if (m.matches()) {
                parts.add(new CellPart.CellMagic(m.group(1), nz(m.group(3)), body, m.group(2) != null, firstLine));
                return parts;
            }
        }
        StringBuilder java = new StringBuilder();
        int javaStart = 0;
        int at = 0;
        while (at <= cell.length()) {
            int eol = cell.indexOf('\n', at);
            int end = eol < 0 ? cell.length() : eol;
            String line = cell.substring(at, end);
            CellPart magic = magicLine(line.stripTrailing(), at);
            if (magic != null && (java.toString().isBlank() || javaComplete.test(java.toString()))) {
                if (!java.toString().isBlank()) parts.add(new CellPart.Java(java.toString(), javaStart));
                parts.add(magic);
                java.setLength(0);
                javaStart = end + 1;
            } else {
                if (java.length() == 0) javaStart = at;
                java.append(line);
                if (eol >= 0) java.append('\n');
            }
            if (eol < 0) break;
            at = eol + 1;
        }
        if (!java.toString().isBlank()) parts.add(new CellPart.Java(java.toString(), javaStart));
        return parts;
    }

    /** True if the cell holds at least one magic (so the evaluator must not pass it through whole). */
    public static boolean mayHoldMagic(String cell) {
        return cell.startsWith("%") || cell.startsWith("!") || cell.contains("\n%") || cell.contains("\n!")
                || cell.stripLeading().startsWith("%%");
    }

    private static CellPart magicLine(String line, int offset) {
        Matcher m = LINE_MAGIC.matcher(line);
        if (m.matches()) return new CellPart.LineMagic(m.group(1), nz(m.group(3)), m.group(2) != null, offset);
        Matcher b = BANG.matcher(line);
        if (b.matches()) return new CellPart.LineMagic("sh", b.group(1), false, offset);
        return null;
    }

    private static int skipBlankLines(String cell) {
        int at = 0;
        while (true) {
            int eol = cell.indexOf('\n', at);
            if (eol < 0 || !cell.substring(at, eol).isBlank()) return at;
            at = eol + 1;
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }
}
