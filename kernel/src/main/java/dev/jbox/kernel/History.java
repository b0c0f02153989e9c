package dev.jbox.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The inputs (and text outputs) of executed cells, for {@code history_request}, kept across kernel sessions in a
 * JSON-lines file (one {@code {"session", "line", "input", "output"}} object per cell), as IPython keeps its
 * history. Each kernel start is a new session, numbered one above the highest in the file. Entries are
 * {@code [session, line, input]} or {@code [session, line, [input, output]]}. Only the shell thread uses it.
 *
 * <pre>{@code
 * History h = History.open(History.defaultFile());   // ~/.local/share/jbox/history.jsonl
 * h.add(1, "int x = 1;", null);
 * h.tail(10, false);                                   // also the previous sessions' last cells
 * }</pre>
 *
 * <p>The file is read on first use (not at start-up), appended to per cell, and trimmed to the newest
 * {@link #KEEP} entries when it is read. An unreadable or unwritable file leaves the history in memory, with one
 * log line. {@code JBOX_HISTORY} names another file, or {@code off} keeps history in memory only.
 */
final class History {

    static final int KEEP = 10_000;

    private static final System.Logger LOG = System.getLogger("jbox.kernel");
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(int session, int line, String input, String output) {
    }

    private final Path file; // null: memory only
    private final List<Entry> entries = new ArrayList<>();
    private boolean loaded;
    private int session = 1;
    private BufferedWriter writer;

    private History(Path file) {
        this.file = file;
    }

    /** A history kept in {@code file}, or in memory only when {@code file} is null. */
    static History open(Path file) {
        return new History(file);
    }

    /** {@code $JBOX_HISTORY}, else {@code $XDG_DATA_HOME/jbox/history.jsonl} (default {@code ~/.local/share}); null for {@code off}. */
    static Path defaultFile(Map<String, String> env) {
        String chosen = env.get("JBOX_HISTORY");
        if (chosen != null && !chosen.isBlank()) {
            return chosen.strip().equals("off") ? null : Path.of(chosen.strip());
        }
        String data = env.get("XDG_DATA_HOME");
        Path base = data != null && !data.isBlank() ? Path.of(data) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("jbox").resolve("history.jsonl");
    }

    /** This kernel's session number. */
    int session() {
        load();
        return session;
    }

    void add(int line, String input, String output) {
        load();
        Entry e = new Entry(session, line, input, output);
        entries.add(e);
        append(e);
    }

    /** The last {@code n} entries, of this and earlier sessions. */
    List<List<Object>> tail(int n, boolean output) {
        load();
        return render(entries.subList(Math.max(0, entries.size() - Math.max(n, 0)), entries.size()), output);
    }

    /**
     * Lines {@code start <= line < stop} (stop 0: to the end) of {@code session}: 0 is this one, negative counts
     * back from it (-1: the previous one), positive is a session number.
     */
    List<List<Object>> range(int session, int start, int stop, boolean output) {
        load();
        int wanted = session <= 0 ? this.session + session : session;
        List<Entry> hits = new ArrayList<>();
        for (Entry e : entries) {
            if (e.session() == wanted && e.line() >= start && (stop <= 0 || e.line() < stop)) {
                hits.add(e);
            }
        }
        return render(hits, output);
    }

    /** Entries whose input matches the glob {@code pattern} ({@code *}, {@code ?}); the last {@code n} (0: all). */
    List<List<Object>> search(String pattern, int n, boolean unique, boolean output) {
        load();
        Pattern glob = globToRegex(pattern);
        List<Entry> hits = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = entries.size() - 1; i >= 0 && (n <= 0 || hits.size() < n); i--) {
            Entry e = entries.get(i);
            if (glob.matcher(e.input()).matches() && (!unique || seen.add(e.input()))) {
                hits.add(0, e);
            }
        }
        return render(hits, output);
    }

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        if (file == null) {
            return;
        }
        int highest = 0;
        int bad = 0;
        if (Files.exists(file)) {
            try {
                for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Entry e = parse(text);
                    if (e == null) {
                        bad += text.isBlank() ? 0 : 1;
                        continue;
                    }
                    entries.add(e);
                    highest = Math.max(highest, e.session());
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot read history " + file + " (history stays in memory): " + e.getMessage());
                entries.clear();
                writer = null;
                return;
            }
        }
        session = highest + 1;
        if (bad > 0) {
            LOG.log(System.Logger.Level.WARNING, "history " + file + ": skipped " + bad + " unreadable line(s)");
        }
        if (entries.size() > KEEP || bad > 0) {
            entries.subList(0, Math.max(0, entries.size() - KEEP)).clear();
            rewrite();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write history " + file + " (history stays in memory): " + e.getMessage());
        }
    }

    private static Entry parse(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.path("session").isInt() || !n.path("line").isInt() || !n.path("input").isTextual()) {
                return null;
            }
            JsonNode out = n.path("output");
            return new Entry(n.get("session").asInt(), n.get("line").asInt(), n.get("input").asText(), out.isTextual() ? out.asText() : null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String line(Entry e) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", e.session());
        m.put("line", e.line());
        m.put("input", e.input());
        m.put("output", e.output());
        return JSON.writeValueAsString(m);
    }

    private void append(Entry e) {
        if (writer == null) {
            return;
        }
        try {
            writer.write(line(e));
            writer.newLine();
            writer.flush(); // the kernel may be killed at any time; each cell is on disk once it ran
        } catch (IOException ex) {
            LOG.log(System.Logger.Level.WARNING, "cannot write history " + file + " (history stays in memory): " + ex.getMessage());
            writer = null;
        }
    }

    /** Writes the kept entries to a new file that replaces the old one at once. */
    private void rewrite() {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "history", ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Entry e : entries) {
                    w.write(line(e));
                    w.newLine();
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot trim history " + file + ": " + e.getMessage());
        }
    }

    private static List<List<Object>> render(List<Entry> list, boolean output) {
        List<List<Object>> out = new ArrayList<>(list.size());
        for (Entry e : list) {
            Object value = output ? Arrays.asList(e.input(), e.output()) : e.input();
            out.add(List.of(e.session(), e.line(), value));
        }
        return out;
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
