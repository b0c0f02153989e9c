package dev.jbox.kernel.magic;

/** The list of magics that {@code %lsmagic} and {@code %help} print. */
final class Overview {

    private Overview() {
    }

    static String text(MagicRegistry r) {
        StringBuilder b = new StringBuilder("Line magics (one per line, between Java code):\n");
        for (String n : r.names()) b.append(String.format("  %%%-9s %s%n", n, r.summary(n)));
        b.append("Cell magics (first line of the cell):\n");
        for (String n : r.names()) if (r.spec(n).cellForm()) b.append(String.format("  %%%%%-8s %s%n", n, r.summary(n)));
        b.append("!CMD is short for %sh CMD. %NAME? or %NAME --help explains a magic.\n")
                .append("From Java: jobs() (handles by id or name) and sandbox() (the session's sandbox).");
        return b.toString();
    }
}
