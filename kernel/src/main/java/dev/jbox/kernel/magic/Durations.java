package dev.jbox.kernel.magic;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints the short durations magics accept: {@code 30s}, {@code 10m}, {@code 2h}, {@code 1h30m},
 * {@code 500ms}, {@code 1d}; a bare number means seconds.
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** {@code parse("1h30m")} is 90 minutes. Throws IllegalArgumentException with a one-line message. */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.matches("\\d+")) return positive(Duration.ofSeconds(Long.parseLong(t)), text);
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            at = m.end();
        }
        if (t.isEmpty() || at != t.length()) {
            throw new IllegalArgumentException("bad duration '" + text + "': use e.g. 30s, 10m, 2h or 1h30m");
        }
        return positive(total, text);
    }

    private static Duration positive(Duration d, String text) {
        if (d.isZero()) throw new IllegalArgumentException("bad duration '" + text + "': must be more than zero");
        return d;
    }

    /** Compact human form: {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h03m}. */
    public static String format(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) return ms + "ms";
        if (ms < 60_000) return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        long s = ms / 1000;
        if (s < 3600) return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
