package dev.jbox.kernel.magic;

import dev.jbox.client.CrashPolicy;
import dev.jbox.client.LocalOptions;
import java.time.Duration;
import java.util.Map;

/**
 * The kernel's settings of its local sandbox, from its environment: the session ({@code kernel-<id>}, so that the
 * kernel Jupyter starts in place of a dead one adopts what it left), {@code JBOX_ON_CRASH} (keep or kill),
 * {@code JBOX_RETENTION} (age, e.g. {@code 7d}) and {@code JBOX_RETENTION_SIZE} (e.g. {@code 1G}) of ended
 * processes' logs, and {@code JBOX_STATE_DIR} (read by the client). A bad value is reported once and the default used.
 *
 * <pre>{@code
 * LocalOptions o = LocalSettings.fromEnv(System.getenv(), "kernel-3f2a...");
 * }</pre>
 */
public final class LocalSettings {

    public static final String ON_CRASH = "JBOX_ON_CRASH";
    public static final String RETENTION = "JBOX_RETENTION";
    public static final String RETENTION_SIZE = "JBOX_RETENTION_SIZE";

    private LocalSettings() {
    }

    /** {@code session}: the kernel's session key, or null for an anonymous sandbox. */
    public static LocalOptions fromEnv(Map<String, String> env, String session) {
        LocalOptions o = LocalOptions.defaults().session(session);
        String crash = env.get(ON_CRASH);
        if (crash != null && !crash.isBlank()) {
            try {
                o = o.onCrash(CrashPolicy.parse(crash));
            } catch (IllegalArgumentException e) {
                warn(ON_CRASH + ": " + e.getMessage() + "; using keep");
            }
        }
        Duration age = o.retention();
        long size = o.retentionBytes();
        String ageText = env.get(RETENTION);
        if (ageText != null && !ageText.isBlank()) {
            try {
                age = Durations.parse(ageText);
            } catch (IllegalArgumentException e) {
                warn(RETENTION + ": " + e.getMessage() + "; using 7d");
            }
        }
        String sizeText = env.get(RETENTION_SIZE);
        if (sizeText != null && !sizeText.isBlank()) {
            try {
                size = ByteSizes.parse(sizeText);
            } catch (IllegalArgumentException e) {
                warn(RETENTION_SIZE + ": " + e.getMessage() + "; using 1G");
            }
        }
        return o.retention(age, size);
    }

    /** The session key of the kernel whose connection file is {@code kernel-<id>.json}: {@code kernel-<id>}. */
    public static String sessionOf(java.nio.file.Path connectionFile) {
        String name = connectionFile.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    }

    private static void warn(String line) {
        System.getLogger("jbox.sandbox").log(System.Logger.Level.WARNING, "ignoring " + line);
    }
}
