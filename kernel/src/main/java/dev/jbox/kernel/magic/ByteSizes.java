package dev.jbox.kernel.magic;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes like {@code 256K}, {@code 1MB}, {@code 512kb/s}, {@code 1048576} and prints them compactly. */
public final class ByteSizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)(?:i?b)?(?:/s)?");

    private ByteSizes() {
    }

    /** {@code parse("256K")} is 262144. Throws IllegalArgumentException with a one-line message. */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new IllegalArgumentException("bad size '" + text + "': use e.g. 256K, 1M or a number of bytes");
        double n = Double.parseDouble(m.group(1));
        long unit = switch (m.group(2)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L;
        };
        return Math.round(n * unit);
    }

    /** {@code format(1536)} is {@code 1.5 KB}. */
    public static String format(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1L << 20) return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        if (bytes < 1L << 30) return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        return String.format(Locale.ROOT, "%.2f GB", bytes / (double) (1L << 30));
    }
}
