package dev.jbox.kernel;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.display.StdinNotAllowedException;
import dev.jbox.kernel.wire.Contents;
import dev.jbox.kernel.wire.Message;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@link CellOutput} of one {@code execute_request}: every message it sends has that request as parent, also
 * after the request finished (threads and background processes it started keep writing here). Stream text is
 * coalesced: sent after {@link #FLUSH_MILLIS}, at {@link #FLUSH_CHARS}, when the other stream or a display
 * message comes, and at the end of the request; consecutive writes to one stream become one message.
 */
final class RequestOutput implements CellOutput {

    static final long FLUSH_MILLIS = 50;
    static final int FLUSH_CHARS = 64 * 1024;

    private final Message request;
    private final boolean allowStdin;
    private final KernelChannels channels;
    private final ScheduledExecutorService timer;

    private final Object lock = new Object();
    private final StringBuilder pending = new StringBuilder();
    private String pendingStream;
    private boolean flushScheduled;

    RequestOutput(Message request, boolean allowStdin, KernelChannels channels, ScheduledExecutorService timer) {
        this.request = request;
        this.allowStdin = allowStdin;
        this.channels = channels;
        this.timer = timer;
    }

    @Override
    public void stream(String name, String text) {
        if (text.isEmpty()) return;
        synchronized (lock) {
            if (pendingStream != null && !pendingStream.equals(name)) sendPending();
            pendingStream = name;
            pending.append(text);
            if (pending.length() >= FLUSH_CHARS) {
                sendPending();
            } else if (!flushScheduled) {
                flushScheduled = true;
                timer.schedule(this::flush, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void display(MimeBundle bundle, String displayId) {
        synchronized (lock) {
            sendPending();
            channels.publish(request, "display_data", displayContent(bundle, displayId));
        }
    }

    @Override
    public void updateDisplay(MimeBundle bundle, String displayId) {
        if (displayId == null) throw new IllegalArgumentException("updateDisplay needs a display id");
        synchronized (lock) {
            sendPending();
            channels.publish(request, "update_display_data", displayContent(bundle, displayId));
        }
    }

    @Override
    public void clearOutput(boolean wait) {
        synchronized (lock) {
            sendPending();
            channels.publish(request, "clear_output", new Contents.ClearOutput(wait));
        }
    }

    @Override
    public String readInput(String prompt, boolean password) throws InterruptedException {
        if (!allowStdin) throw new StdinNotAllowedException();
        flush();
        return channels.readInput(request, prompt, password);
    }

    @Override
    public void flush() {
        synchronized (lock) {
            flushScheduled = false;
            sendPending();
        }
    }

    private void sendPending() {
        if (pending.length() == 0) return;
        channels.publish(request, "stream", new Contents.Stream(pendingStream, pending.toString()));
        pending.setLength(0);
        pendingStream = null;
    }

    private static Contents.DisplayData displayContent(MimeBundle bundle, String displayId) {
        return new Contents.DisplayData(bundle.data(), bundle.metadata(),
                displayId == null ? Map.of() : Map.of("display_id", displayId));
    }
}
