package dev.jbox.kernel;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.display.StdinNotAllowedException;
import dev.jbox.kernel.wire.Header;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@link CellOutput} of one {@code execute_request}: every message has that request as parent, also
 * after the request finished. Stream text is coalesced and sent on a timer, on size, on display and on
 * {@link #flush()}; the lock only guards the buffer, sending is a queue hand-off.
 */
final class KernelCellOutput implements CellOutput {

    static final long FLUSH_DELAY_MS = 50;
    static final int FLUSH_CHARS = 256 * 1024;

    private final Publisher publisher;
    private final StdinChannel stdin;
    private final ScheduledExecutorService timer;
    private final Header parent;
    private final List<byte[]> identities;
    private final boolean allowStdin;
    private final boolean silent;

    private final Object lock = new Object();
    private final List<String> names = new ArrayList<>();          // stream name per pending segment
    private final List<StringBuilder> segments = new ArrayList<>(); // consecutive text of one stream
    private int pendingChars;
    private boolean flushScheduled;

    KernelCellOutput(Publisher publisher, StdinChannel stdin, ScheduledExecutorService timer, Header parent,
                     List<byte[]> identities, boolean allowStdin, boolean silent) {
        this.publisher = publisher;
        this.stdin = stdin;
        this.timer = timer;
        this.parent = parent;
        this.identities = identities;
        this.allowStdin = allowStdin;
        this.silent = silent;
    }

    Header parent() {
        return parent;
    }

    @Override
    public void stream(String name, String text) {
        if (silent || text.isEmpty()) {
            return;
        }
        synchronized (lock) {
            int last = segments.size() - 1;
            if (last >= 0 && names.get(last).equals(name)) {
                segments.get(last).append(text);
            } else {
                names.add(name);
                segments.add(new StringBuilder(text));
            }
            pendingChars += text.length();
            if (pendingChars >= FLUSH_CHARS) {
                sendPendingLocked();
            } else if (!flushScheduled) {
                flushScheduled = true;
                timer.schedule(this::flush, FLUSH_DELAY_MS, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void display(MimeBundle bundle, String displayId) {
        publishInOrder("display_data", bundleContent(bundle, displayId));
    }

    @Override
    public void updateDisplay(MimeBundle bundle, String displayId) {
        publishInOrder("update_display_data", bundleContent(bundle, displayId));
    }

    @Override
    public void clearOutput(boolean wait) {
        publishInOrder("clear_output", Map.of("wait", wait));
    }

    /** Sends an execute_result / error etc. after the text written before it. */
    void publishInOrder(String msgType, Object content) {
        if (silent) {
            return;
        }
        synchronized (lock) {
            sendPendingLocked();
            publisher.publish(msgType, parent, content);
        }
    }

    @Override
    public String readInput(String prompt, boolean password) throws InterruptedException {
        if (!allowStdin) {
            throw new StdinNotAllowedException();
        }
        flush(); // the prompt's context (what was printed before) should be visible first
        return stdin.ask(identities, parent, prompt, password);
    }

    @Override
    public void flush() {
        synchronized (lock) {
            sendPendingLocked();
        }
    }

    private void sendPendingLocked() {
        flushScheduled = false;
        for (int i = 0; i < segments.size(); i++) {
            publisher.publish("stream", parent, Map.of("name", names.get(i), "text", segments.get(i).toString()));
        }
        names.clear();
        segments.clear();
        pendingChars = 0;
    }

    static Map<String, Object> bundleContent(MimeBundle bundle, String displayId) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("data", bundle.data());
        content.put("metadata", bundle.metadata());
        content.put("transient", displayId == null ? Map.of() : Map.of("display_id", displayId));
        return content;
    }
}
