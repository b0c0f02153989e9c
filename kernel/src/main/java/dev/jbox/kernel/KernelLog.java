package dev.jbox.kernel;

import java.io.PrintStream;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Kernel logs: one line each on the process's real stderr (never into a cell), level from {@code JBOX_LOG}
 * ({@code debug}, {@code info} (default), {@code warning}, {@code error}, {@code off}).
 */
final class KernelLog {

    private KernelLog() {
    }

    static void configure(String spec, PrintStream err) {
        Level level = switch (spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT)) {
            case "debug", "fine", "trace", "all" -> Level.FINE;
            case "warn", "warning" -> Level.WARNING;
            case "error", "severe" -> Level.SEVERE;
            case "off", "none" -> Level.OFF;
            default -> Level.INFO;
        };
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler line = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (!isLoggable(r)) {
                    return;
                }
                StringBuilder s = new StringBuilder("[jbox ").append(r.getLevel().getName()).append("] ").append(r.getMessage());
                if (r.getThrown() != null) {
                    s.append(": ").append(r.getThrown());
                    if (level.intValue() <= Level.FINE.intValue()) {
                        for (StackTraceElement e : r.getThrown().getStackTrace()) {
                            s.append("\n\tat ").append(e);
                        }
                    }
                }
                err.println(s);
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
            }
        };
        line.setLevel(level);
        root.addHandler(line);
        root.setLevel(level);
    }
}
