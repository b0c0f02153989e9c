package dev.jbox.kernel.eval;

import java.nio.charset.StandardCharsets;

/** Decodes UTF-8 arriving in arbitrary chunks: a character split between two writes is held back, not mangled. */
final class Utf8Chunks {

    private final byte[] pending = new byte[4];
    private int pendingLength;

    /** The text of {@code b[off, off+len)} plus what was held back, minus an incomplete trailing character. */
    String decode(byte[] b, int off, int len) {
        byte[] bytes = b;
        int start = off;
        int end = off + len;
        if (pendingLength > 0) {
            bytes = new byte[pendingLength + len];
            System.arraycopy(pending, 0, bytes, 0, pendingLength);
            System.arraycopy(b, off, bytes, pendingLength, len);
            start = 0;
            end = bytes.length;
            pendingLength = 0;
        }
        int complete = end - incompleteTail(bytes, start, end);
        for (int i = complete; i < end; i++) {
            pending[pendingLength++] = bytes[i];
        }
        return new String(bytes, start, complete - start, StandardCharsets.UTF_8);
    }

    /** How many bytes at the end start a multi-byte character that is not complete yet (0 to 3). */
    private static int incompleteTail(byte[] b, int start, int end) {
        for (int back = 1; back <= 3 && end - back >= start; back++) {
            int c = b[end - back] & 0xFF;
            if (c < 0x80) {
                return 0;
            }
            if (c >= 0xC0) {
                int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                return need > back ? back : 0;
            }
        }
        return 0;
    }
}
