package dev.jbox.kernel.display;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link CellOutput} that keeps what it is given, for tests: the kernel's port, implemented in memory.
 * Input lines are queued with {@link #answer}; {@code readInput} blocks on that queue (interruptibly).
 */
public final class RecordingCellOutput implements CellOutput {

    /** One call of {@code display}, {@code updateDisplay} or {@code clearOutput}. */
    public record Event(String kind, MimeBundle bundle, String displayId) {
    }

    /** One {@code readInput} call. */
    public record Prompt(String prompt, boolean password) {
    }

    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    private final List<Event> events = new ArrayList<>();
    private final List<Prompt> prompts = new ArrayList<>();
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final boolean stdinAllowed;

    public RecordingCellOutput() {
        this(true);
    }

    public RecordingCellOutput(boolean stdinAllowed) {
        this.stdinAllowed = stdinAllowed;
    }

    public RecordingCellOutput answer(String line) {
        answers.add(line);
        return this;
    }

    public synchronized String stdout() {
        return stdout.toString();
    }

    public synchronized String stderr() {
        return stderr.toString();
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized List<Prompt> prompts() {
        return List.copyOf(prompts);
    }

    @Override
    public synchronized void stream(String name, String text) {
        (name.equals("stdout") ? stdout : stderr).append(text);
    }

    @Override
    public synchronized void display(MimeBundle bundle, String displayId) {
        events.add(new Event("display", bundle, displayId));
    }

    @Override
    public synchronized void updateDisplay(MimeBundle bundle, String displayId) {
        events.add(new Event("update", bundle, displayId));
    }

    @Override
    public synchronized void clearOutput(boolean wait) {
        events.add(new Event(wait ? "clear-wait" : "clear", null, null));
    }

    @Override
    public String readInput(String prompt, boolean password) throws InterruptedException {
        if (!stdinAllowed) {
            throw new StdinNotAllowedException();
        }
        synchronized (this) {
            prompts.add(new Prompt(prompt, password));
        }
        return answers.take();
    }

    @Override
    public void flush() {
    }
}
