package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.CurrentCell;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * The byte sink behind {@code System.out} or {@code System.err}: text of a thread that belongs to a cell goes to
 * that cell's stream; the kernel's own threads write to the original stream.
 */
final class CellStreamRouter extends OutputStream {

    private final String streamName;
    private final PrintStream original;
    private final ThreadLocal<Utf8Chunks> decoders = ThreadLocal.withInitial(Utf8Chunks::new);

    CellStreamRouter(String streamName, PrintStream original) {
        this.streamName = streamName;
        this.original = original;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        CellOutput cell = CurrentCell.get();
        if (cell == null) {
            original.write(b, off, len);
            return;
        }
        String text = decoders.get().decode(b, off, len);
        if (!text.isEmpty()) {
            cell.stream(streamName, text);
        }
    }

    @Override
    public void flush() {
        // Cells coalesce their output themselves; flushing on every println would defeat that.
        if (CurrentCell.get() == null) {
            original.flush();
        }
    }
}
