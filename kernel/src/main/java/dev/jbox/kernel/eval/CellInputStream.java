package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.CurrentCell;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * {@code System.in} for notebook code: when a read needs data, the cell asks the frontend for a line
 * ({@code input_request}); the kernel's own threads see an empty stream.
 */
final class CellInputStream extends InputStream {

    @Override
    public int read() throws InterruptedIOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws InterruptedIOException {
        if (len == 0) {
            return 0;
        }
        CellOutput cell = CurrentCell.get();
        if (!(cell instanceof BoundCell bound)) {
            return -1;
        }
        return bound.stdin().read(b, off, len);
    }

    @Override
    public int available() {
        return CurrentCell.get() instanceof BoundCell bound ? bound.stdin().available() : 0;
    }
}
