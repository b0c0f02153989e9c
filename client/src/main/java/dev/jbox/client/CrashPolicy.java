package dev.jbox.client;

import java.util.Locale;

/**
 * What happens to a local sandbox's commands when the JVM that runs it dies without closing it (a crash, an
 * out-of-memory kill, {@code Runtime.halt}). A clean close always ends them.
 * <ul>
 *   <li>{@code KEEP}: they run on (up to their own timeouts) and keep logging; a sandbox opened later with the
 *       same session adopts them.</li>
 *   <li>{@code KILL}: their trees get TERM at once and KILL one second later.</li>
 * </ul>
 */
public enum CrashPolicy {
    KEEP, KILL;

    /** {@code keep} or {@code kill}, in any case. */
    public static CrashPolicy parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "keep" -> KEEP;
            case "kill" -> KILL;
            default -> throw new IllegalArgumentException("unknown crash policy '" + text + "' (use keep or kill)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
