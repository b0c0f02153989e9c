package dev.jbox.client.remote;

import dev.jbox.client.LogRead;
import dev.jbox.client.StreamKind;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Output kept on the client side, for peers that cannot replay (stock envd). Bounded: once {@code cap} bytes of
 * a stream are kept, the oldest half is dropped and reads report them as skipped.
 */
final class ClientLog {

    private final int cap;
    private final Part out = new Part();
    private final Part err = new Part();

    ClientLog(int cap) {
        this.cap = cap;
    }

    private static final class Part {
        long dropped;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    }

    synchronized void append(StreamKind kind, byte[] data) {
        Part p = part(kind);
        p.bytes.writeBytes(data);
        if (p.bytes.size() > cap) {
            byte[] all = p.bytes.toByteArray();
            int drop = all.length - cap / 2;
            p.dropped += drop;
            p.bytes = new ByteArrayOutputStream();
            p.bytes.write(all, drop, all.length - drop);
        }
    }

    synchronized LogRead read(StreamKind kind, long offset, int max) {
        Part p = part(kind);
        long end = p.dropped + p.bytes.size();
        long from = Math.max(offset, p.dropped);
        long skipped = from - offset;
        if (from >= end) return new LogRead(kind, Math.min(from, end), new byte[0], Math.max(0, skipped), end);
        byte[] all = p.bytes.toByteArray();
        int start = (int) (from - p.dropped);
        int len = (int) Math.min(max, all.length - start);
        return new LogRead(kind, from, Arrays.copyOfRange(all, start, start + len), skipped, end);
    }

    private Part part(StreamKind kind) {
        return kind == StreamKind.STDOUT ? out : err;
    }
}
