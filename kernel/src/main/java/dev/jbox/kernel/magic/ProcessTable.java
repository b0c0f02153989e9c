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

    /** The session's processes; an {@code adopted from} column when some were adopted from a kernel that died. */
    static MimeBundle render(List<ProcessInfo> processes, Instant now) {
        boolean adopted = processes.stream().anyMatch(p -> p.adoptedFrom() != null);
        List<String> header = new ArrayList<>(HEADER);
        if (adopted) header.add("adopted from");
        List<List<String>> rows = new ArrayList<>();
        for (ProcessInfo p : processes) {
            List<String> r = new ArrayList<>(row(p, now));
            if (adopted) r.add(p.adoptedFrom() == null ? "" : instance(p.adoptedFrom()));
            rows.add(r);
        }
        return MimeBundle.text(plain(header, rows, "no processes")).with("text/html", html(header, rows, "no processes"));
    }

    /**
     * Processes that dead sandboxes left and nobody adopted ({@code %ps --orphans}): the first column is what
     * {@code %adopt} and {@code %kill} take, {@code INSTANCE/ID}; {@code session} is the dead sandbox's session.
     */
    static MimeBundle renderOrphans(List<ProcessInfo> orphans, Instant now) {
        return renderBySandbox(orphans, now, "orphan", "no orphans: every process of a dead kernel was adopted or has ended");
    }

    /** Processes of many sandboxes: {@code INSTANCE/ID} in a first column named {@code refHeader}, then the session. */
    static MimeBundle renderBySandbox(List<ProcessInfo> orphans, Instant now, String refHeader, String none) {
        List<String> header = new ArrayList<>(List.of(refHeader, "session"));
        header.addAll(HEADER.subList(1, HEADER.size()));
        List<List<String>> rows = new ArrayList<>();
        for (ProcessInfo p : orphans) {
            List<String> r = new ArrayList<>(List.of(instance(p.adoptedFrom()) + "/" + p.id(), session(p.adoptedFrom())));
            r.addAll(row(p, now).subList(1, HEADER.size()));
            rows.add(r);
        }
        return MimeBundle.text(plain(header, rows, none)).with("text/html", html(header, rows, none));
    }

    /** {@code INSTANCE} of {@code SESSION/INSTANCE}. */
    static String instance(String sessionName) {
        return sessionName.substring(sessionName.lastIndexOf('/') + 1);
    }

    /** {@code SESSION} of {@code SESSION/INSTANCE}. */
    static String session(String sessionName) {
        int slash = sessionName.lastIndexOf('/');
        return slash < 0 ? "" : sessionName.substring(0, slash);
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

    private static String plain(List<String> header, List<List<String>> rows, String none) {
        if (rows.isEmpty()) return none;
        int[] w = new int[header.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = header.get(c).length();
            for (List<String> r : rows) w[c] = Math.max(w[c], r.get(c).length());
        }
        StringBuilder b = new StringBuilder();
        line(b, header, w);
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

    private static String html(List<String> header, List<List<String>> rows, String none) {
        if (rows.isEmpty()) return "<p><i>" + Html.escape(none) + "</i></p>";
        int command = header.indexOf("command");
        StringBuilder b = new StringBuilder("<table><thead><tr>");
        for (String h : header) b.append("<th>").append(h).append("</th>");
        b.append("</tr></thead><tbody>");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (int c = 0; c < r.size(); c++) {
                boolean code = c == command;
                b.append("<td>").append(code ? "<code>" : "").append(Html.escape(r.get(c))).append(code ? "</code>" : "").append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }
}
