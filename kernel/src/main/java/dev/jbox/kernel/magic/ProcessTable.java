package dev.jbox.kernel.magic;

import dev.jbox.client.ProcessInfo;
import dev.jbox.kernel.display.MimeBundle;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@code %ps}: a text/plain and a text/html table, or JSON. */
final class ProcessTable {

    private static final List<String> HEADER =
            List.of("id", "name", "pid", "state", "exit", "started", "runtime", "stdout", "stderr", "command");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private ProcessTable() {
    }

    static MimeBundle render(List<ProcessInfo> processes, Instant now) {
        List<List<String>> rows = new ArrayList<>();
        for (ProcessInfo p : processes) rows.add(row(p, now));
        return MimeBundle.text(plain(rows)).with("text/html", html(rows));
    }

    /** One map per process, for {@code %ps --json}. */
    static List<Map<String, Object>> json(List<ProcessInfo> processes) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ProcessInfo p : processes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", p.id());
            m.put("name", p.name());
            m.put("pid", p.pid());
            m.put("state", p.state().name());
            m.put("exitCode", p.exitCode());
            m.put("startedAt", p.startedAt() == null ? null : p.startedAt().toString());
            m.put("endedAt", p.endedAt() == null ? null : p.endedAt().toString());
            m.put("stdoutBytes", p.stdoutBytes());
            m.put("stderrBytes", p.stderrBytes());
            m.put("command", p.command());
            m.put("cwd", p.cwd());
            m.put("tag", p.tag());
            m.put("backendState", p.backendState());
            m.put("adoptedFrom", p.adoptedFrom());
            out.add(m);
        }
        return out;
    }

    static String shorten(String s, int max) {
        if (s == null) return "";
        String one = s.replace('\n', ' ').strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }

    private static List<String> row(ProcessInfo p, Instant now) {
        Instant end = p.endedAt() != null ? p.endedAt() : now;
        return List.of(p.id(), p.name() == null ? "" : p.name(), String.valueOf(p.pid()),
                p.backendState() != null ? p.backendState() : p.state().name().toLowerCase(Locale.ROOT), p.exitCode() == null ? "" : String.valueOf(p.exitCode()),
                p.startedAt() == null ? "" : CLOCK.format(p.startedAt()),
                p.startedAt() == null ? "" : Durations.format(Duration.between(p.startedAt(), end)),
                ByteSizes.format(p.stdoutBytes()), ByteSizes.format(p.stderrBytes()), shorten(p.command(), 60));
    }

    private static String plain(List<List<String>> rows) {
        if (rows.isEmpty()) return "no processes";
        int[] w = new int[HEADER.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = HEADER.get(c).length();
            for (List<String> r : rows) w[c] = Math.max(w[c], r.get(c).length());
        }
        StringBuilder b = new StringBuilder();
        line(b, HEADER, w);
        for (List<String> r : rows) line(b, r, w);
        return b.toString().stripTrailing();
    }

    private static void line(StringBuilder b, List<String> cells, int[] w) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            b.append(cell);
            if (c < cells.size() - 1) b.append(" ".repeat(w[c] - cell.length() + 2));
        }
        b.append('\n');
    }

    private static String html(List<List<String>> rows) {
        if (rows.isEmpty()) return "<p><i>no processes</i></p>";
        StringBuilder b = new StringBuilder("<table><thead><tr>");
        for (String h : HEADER) b.append("<th>").append(h).append("</th>");
        b.append("</tr></thead><tbody>");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (int c = 0; c < r.size(); c++) {
                boolean code = c == r.size() - 1;
                b.append("<td>").append(code ? "<code>" : "").append(Html.escape(r.get(c))).append(code ? "</code>" : "").append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }
}
