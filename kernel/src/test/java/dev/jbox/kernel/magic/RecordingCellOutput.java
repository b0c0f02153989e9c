package dev.jbox.kernel.magic;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import java.util.ArrayList;
import java.util.List;

/** A CellOutput that keeps every message, in order, for assertions. */
final class RecordingCellOutput implements CellOutput {

    record Event(String kind, String name, String text, MimeBundle bundle, String displayId) {
    }

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void stream(String name, String text) {
        events.add(new Event("stream", name, text, null, null));
    }

    @Override
    public synchronized void display(MimeBundle bundle, String displayId) {
        events.add(new Event("display", null, null, bundle, displayId));
    }

    @Override
    public synchronized void updateDisplay(MimeBundle bundle, String displayId) {
        events.add(new Event("update", null, null, bundle, displayId));
    }

    @Override
    public synchronized void clearOutput(boolean wait) {
        events.add(new Event("clear", null, null, null, null));
    }

    @Override
    public String readInput(String prompt, boolean password) {
        throw new dev.jbox.kernel.display.StdinNotAllowedException();
    }

    @Override
    public void flush() {
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized String text(String stream) {
        StringBuilder b = new StringBuilder();
        for (Event e : events) if (e.kind().equals("stream") && e.name().equals(stream)) b.append(e.text());
        return b.toString();
    }

    synchronized long count(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).count();
    }
}
