package dev.jbox.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes a sequence of byte chunks of one stream as UTF-8, keeping a character that is split across two
 * chunks whole. Malformed bytes become U+FFFD. Not thread-safe: use one decoder per stream.
 *
 * <pre>{@code
 * Utf8Decoder out = new Utf8Decoder();
 * handle.subscribe(chunk -> { if (chunk.stream() == StreamKind.STDOUT) System.out.print(out.decode(chunk)); });
 * }</pre>
 */
public final class Utf8Decoder {

    private byte[] pending = new byte[0]; // an incomplete character from the previous chunk (at most 3 bytes)

    public String decode(OutputChunk chunk) {
        return decode(chunk.bytes());
    }

    public String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** Text of the complete characters seen so far; an incomplete trailing character is kept for the next call. */
    public String decode(byte[] bytes, int off, int len) {
        byte[] all;
        int from;
        if (pending.length == 0) {
            all = bytes;
            from = off;
        } else {
            all = new byte[pending.length + len];
            System.arraycopy(pending, 0, all, 0, pending.length);
            System.arraycopy(bytes, off, all, pending.length, len);
            from = 0;
            len = all.length;
        }
        int complete = completeLength(all, from, len);
        pending = Arrays.copyOfRange(all, from + complete, from + len);
        return new String(all, from, complete, StandardCharsets.UTF_8);
    }

    /** Ends the sequence: an incomplete trailing character becomes U+FFFD. */
    public String finish() {
        String rest = pending.length == 0 ? "" : new String(pending, StandardCharsets.UTF_8);
        pending = new byte[0];
        return rest;
    }

    /** Number of bytes pending for the next chunk. */
    public int pendingBytes() {
        return pending.length;
    }

    /** Length of the prefix that does not end inside a multi-byte character. */
    private static int completeLength(byte[] b, int off, int len) {
        // Look back at most 3 bytes for the lead byte of the last character.
        for (int back = 1; back <= Math.min(3, len); back++) {
            int v = b[off + len - back] & 0xFF;
            if ((v & 0xC0) == 0x80) continue; // continuation byte: keep looking
            int need = v >= 0xF0 && v <= 0xF4 ? 4 : v >= 0xE0 ? (v <= 0xEF ? 3 : 1) : v >= 0xC2 ? 2 : 1;
            return need > back ? len - back : len;
        }
        return len; // only continuation bytes or nothing: malformed or complete either way
    }
}
