package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;

/** The bytes of the last line the frontend sent for one cell, handed out to {@code System.in} reads. */
final class StdinBuffer {

    private final CellOutput output;
    private byte[] line = new byte[0];
    private int position;

    StdinBuffer(CellOutput output) {
        this.output = output;
    }

    synchronized int read(byte[] b, int off, int len) throws InterruptedIOException {
        if (position == line.length) {
            String text;
            try {
                text = output.readInput("", false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            }
            line = (text + "\n").getBytes(StandardCharsets.UTF_8);
            position = 0;
        }
        int n = Math.min(len, line.length - position);
        System.arraycopy(line, position, b, off, n);
        position += n;
        return n;
    }

    synchronized int available() {
        return line.length - position;
    }
}
