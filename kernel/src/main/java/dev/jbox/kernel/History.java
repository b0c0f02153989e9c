package dev.jbox.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Inputs (and text outputs) of this kernel session, for {@code history_request}. Thread-safe. */
final class History {

    /** One history entry; {@code output} may be null. Sessions are numbered from 1; this kernel is session 1. */
    record Entry(int session, int line, String input, String output) {
        List<Object> toWire(boolean withOutput) {
            return withOutput ? List.of(session, line, java.util.Arrays.asList(input, output)) : List.of(session, line, input);
        }
    }

    static final int SESSION = 1;

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int line, String input) {
        entries.add(new Entry(SESSION, line, input, null));
    }

    synchronized void setOutput(int line, String output) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.line() == line) {
                entries.set(i, new Entry(e.session(), e.line(), e.input(), output));
                return;
            }
        }
    }

    /** The last {@code n} entries. */
    synchronized List<Entry> tail(int n) {
        int from = Math.max(0, entries.size() - Math.max(0, n));
        return List.copyOf(entries.subList(from, entries.size()));
    }

    /** Lines [start, stop) of a session; stop 0 or missing means to the end; negative session counts back from this one. */
    synchronized List<Entry> range(int session, int start, Integer stop) {
        int s = session <= 0 ? SESSION + session : session;
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.session() == s && e.line() >= start && (stop == null || stop <= 0 || e.line() < stop)) out.add(e);
        }
        return out;
    }

    /** Entries whose input matches a glob ({@code *}, {@code ?}); the last {@code n} (0: all), optionally unique by input. */
    synchronized List<Entry> search(String glob, int n, boolean unique) {
        Pattern p = Pattern.compile(globToRegex(glob == null || glob.isEmpty() ? "*" : glob), Pattern.DOTALL);
        List<Entry> matches = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (!p.matcher(e.input()).matches()) continue;
            if (unique && !seen.add(e.input())) continue;
            matches.add(0, e);
            if (n > 0 && matches.size() >= n) break;
        }
        return matches;
    }

    private static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
