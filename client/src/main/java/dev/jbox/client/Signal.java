package dev.jbox.client;

/** Signals that can be sent to a process tree. */
public enum Signal {
    TERM(15), KILL(9), INT(2), HUP(1), QUIT(3), USR1(10), USR2(12), STOP(19), CONT(18);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** Parses {@code TERM}, {@code SIGTERM}, {@code term} or {@code 15}. */
    public static Signal parse(String text) {
        String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        if (t.startsWith("SIG")) t = t.substring(3);
        for (Signal s : values()) {
            if (s.name().equals(t) || String.valueOf(s.number).equals(t)) return s;
        }
        throw new IllegalArgumentException("unknown signal '" + text + "' (known: TERM, KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT)");
    }
}
