package dev.jbox.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The inputs (and text outputs) of this kernel session, for {@code history_request}. Only the shell thread uses it.
 * Entries are {@code [session, line, input]} or {@code [session, line, [input, output]]}; this kernel's session is 1.
 */
final class History {

    static final int SESSION = 1;

    private record Entry(int line, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void add(int line, String input, String output) {
        entries.add(new Entry(line, input, output));
    }

    /** The last {@code n} entries. */
    List<List<Object>> tail(int n, boolean output) {
        return render(entries.subList(Math.max(0, entries.size() - Math.max(n, 0)), entries.size()), output);
    }

    /** Lines {@code start <= line < stop} of {@code session} (0 or negative: this session; stop 0: to the end). */
    List<List<Object>> range(int session, int start, int stop, boolean output) {
        if (session > 0 && session != SESSION) {
            return List.of();
        }
        List<Entry> hits = new ArrayList<>();
        for (Entry e : entries) {
            if (e.line() >= start && (stop <= 0 || e.line() < stop)) {
                hits.add(e);
            }
        }
        return render(hits, output);
    }

    /** Entries whose input matches the glob {@code pattern} ({@code *}, {@code ?}); the last {@code n} (0: all). */
    List<List<Object>> search(String pattern, int n, boolean unique, boolean output) {
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

    private static List<List<Object>> render(List<Entry> list, boolean output) {
        List<List<Object>> out = new ArrayList<>(list.size());
        for (Entry e : list) {
            Object value = output ? java.util.Arrays.asList(e.input(), e.output()) : e.input();
            out.add(List.of(SESSION, e.line(), value));
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
