package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.ProcessInfo;
import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The live status line of a background process ({@code display_data} with a display id), refreshed with
 * {@code update_display_data} at most {@value #REFRESH_MS} ms apart while it changes, and once at exit. Updates
 * go through the cell executing at that moment, if any, so headless runners record them; else the origin.
 */
final class StatusPanel implements Ticker.Tickable {

    static final long REFRESH_MS = 500;

    private final CommandHandle handle;
    private final String displayId;
    private final CellOutput origin;
    private final Supplier<CellOutput> current;
    private long lastSent;
    private String lastText = "";
    private volatile boolean done;

    StatusPanel(CommandHandle handle, String displayId, CellOutput origin, Supplier<CellOutput> current) {
        this.handle = handle;
        this.displayId = displayId;
        this.origin = origin;
        this.current = current;
    }

    String displayId() {
        return displayId;
    }

    void show() {
        MimeBundle b = render(handle.info(), Instant.now());
        lastText = (String) b.data().get("text/plain");
        lastSent = System.nanoTime();
        origin.display(b, displayId);
    }

    @Override
    public synchronized boolean tick(long nowNanos) {
        if (done) return false;
        if (nowNanos - lastSent < REFRESH_MS * 1_000_000) return true;
        ProcessInfo info = handle.info();
        if (info.state().isFinal()) return true; // the exit hook sends the final one
        send(render(info, Instant.now()), nowNanos);
        return true;
    }

    /** The final refresh, when the process ended. */
    synchronized void finish() {
        done = true;
        send(render(handle.info(), Instant.now()), System.nanoTime());
    }

    /**
     * The last refresh when the session lets go of a process that goes on running elsewhere (an agent keeps it
     * across kernel restarts): says so, instead of showing "running" forever.
     */
    synchronized void detach(String why) {
        if (done) return;
        done = true;
        ProcessInfo info;
        try {
            info = handle.info();
        } catch (RuntimeException e) {
            return; // the sandbox is unreachable: nothing better to show than the last state
        }
        MimeBundle b = render(info, Instant.now());
        String plain = b.data().get("text/plain") + " · " + why;
        String html = ((String) b.data().get("text/html")).replace("</div>", " · <i>" + Html.escape(why) + "</i></div>");
        send(MimeBundle.text(plain).with("text/html", html), System.nanoTime());
    }

    private void send(MimeBundle b, long nowNanos) {
        String text = (String) b.data().get("text/plain");
        if (text.equals(lastText)) return;
        lastText = text;
        lastSent = nowNanos;
        CellOutput now = current.get();
        (now != null ? now : origin).updateDisplay(b, displayId);
    }

    static MimeBundle render(ProcessInfo p, Instant now) {
        Duration runtime = Duration.between(p.startedAt(), p.endedAt() != null ? p.endedAt() : now);
        String state = p.state().name().toLowerCase(java.util.Locale.ROOT);
        String exit = p.exitCode() == null ? "" : " · exit " + p.exitCode();
        String plain = p.id() + " · " + state + exit + " · pid " + p.pid() + " · " + Durations.format(runtime)
                + " · stdout " + ByteSizes.format(p.stdoutBytes()) + " · stderr " + ByteSizes.format(p.stderrBytes())
                + " · " + ProcessTable.shorten(p.command(), 60);
        String colour = switch (p.state()) {
            case RUNNING, QUEUED -> "#1a7f37";
            case COMPLETED -> "#57606a";
            default -> "#cf222e";
        };
        String html = "<div style=\"font-family:monospace;font-size:90%\"><b>" + Html.escape(p.id()) + "</b> "
                + "<span style=\"color:" + colour + "\">" + state + Html.escape(exit) + "</span>"
                + " · pid " + p.pid() + " · " + Durations.format(runtime)
                + " · stdout " + ByteSizes.format(p.stdoutBytes()) + " · stderr " + ByteSizes.format(p.stderrBytes())
                + " · <code>" + Html.escape(ProcessTable.shorten(p.command(), 60)) + "</code></div>";
        return MimeBundle.text(plain).with("text/html", html);
    }
}
