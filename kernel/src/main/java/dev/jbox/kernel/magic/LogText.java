package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.LogRead;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Utf8Decoder;
import dev.jbox.kernel.display.CellOutput;

/** Reads byte ranges and line ranges of a process log and sends them to a cell. */
final class LogText {

    private static final int WINDOW = 1 << 20;

    private LogText() {
    }

    static long end(CommandHandle h, StreamKind k) {
        return h.readOutput(k, 0, 0).end();
    }

    /** Offset where the last {@code lines} lines start (a final newline does not start a line). */
    static long tailStart(CommandHandle h, StreamKind k, long end, int lines) {
        if (lines <= 0) return end;
        long pos = end;
        int count = 0;
        while (pos > 0) {
            long from = Math.max(0, pos - WINDOW);
            LogRead r = h.readOutput(k, from, (int) (pos - from));
            byte[] b = r.bytes();
            for (int i = b.length - 1; i >= 0; i--) {
                if (b[i] != '\n' || r.offset() + i == end - 1) continue;
                if (++count == lines) return r.offset() + i + 1;
            }
            if (r.offset() > from || b.length == 0) return r.offset();
            pos = from;
        }
        return 0;
    }

    /** Offset just after the first {@code lines} lines. */
    static long headEnd(CommandHandle h, StreamKind k, long end, int lines) {
        long pos = 0;
        int count = 0;
        while (pos < end && lines > 0) {
            LogRead r = h.readOutput(k, pos, (int) Math.min(WINDOW, end - pos));
            byte[] b = r.bytes();
            if (b.length == 0) break;
            for (int i = 0; i < b.length; i++) {
                if (b[i] == '\n' && ++count == lines) return r.offset() + i + 1;
            }
            pos = r.offset() + b.length;
        }
        return end;
    }

    /** Sends bytes {@code [from, to)} of the log to the cell's stream of the same name; returns how many were sent. */
    static long send(CommandHandle h, StreamKind k, long from, long to, CellOutput out) {
        String name = k == StreamKind.STDOUT ? "stdout" : "stderr";
        Utf8Decoder text = new Utf8Decoder();
        long pos = from;
        long sent = 0;
        while (pos < to) {
            LogRead r = h.readOutput(k, pos, (int) Math.min(WINDOW, to - pos));
            if (r.skipped() > 0) out.stream("stderr", "[jbox] " + ByteSizes.format(r.skipped()) + " were dropped from the log by its size cap\n");
            byte[] b = r.bytes();
            if (b.length == 0) break;
            String s = text.decode(b);
            if (!s.isEmpty()) out.stream(name, s);
            sent += b.length;
            pos = r.offset() + b.length;
        }
        String rest = text.finish();
        if (!rest.isEmpty()) out.stream(name, rest);
        return sent;
    }
}
