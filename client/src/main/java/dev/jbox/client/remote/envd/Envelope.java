package dev.jbox.client.remote.envd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One message of a Connect streaming body: a flag byte, a 4-byte big-endian length, then the JSON.
 * Flag {@link #END_STREAM} marks the last message of a response, which carries {@code {}} or {@code {"error": ...}}.
 */
public record Envelope(int flags, byte[] payload) {

    public static final int COMPRESSED = 0x01;
    public static final int END_STREAM = 0x02;
    /**
     * jbox extension, only sent to clients that asked for it ({@code ResumeExt.raw}): a data event as raw bytes,
     * payload = 1 byte stream (1 stdout, 2 stderr), 8 bytes big-endian offset, the output. Saves base64 and JSON.
     */
    public static final int RAW_DATA = 0x40;

    public boolean endStream() {
        return (flags & END_STREAM) != 0;
    }

    public void writeTo(OutputStream out) throws IOException {
        int n = payload.length;
        out.write(new byte[] {(byte) flags, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        out.write(payload);
    }

    /**
     * Reads one envelope; null at a clean end of input (no byte read).
     *
     * @throws ConnectException invalid_argument for a truncated or compressed envelope, resource_exhausted beyond {@code maxBytes}
     */
    public static Envelope read(InputStream in, int maxBytes) throws IOException {
        int flags = in.read();
        if (flags < 0) return null;
        byte[] len = readFully(in, 4);
        if (len.length < 4) throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "malformed envelope: truncated 5-byte prefix");
        long n = ((len[0] & 0xffL) << 24) | ((len[1] & 0xff) << 16) | ((len[2] & 0xff) << 8) | (len[3] & 0xff);
        if ((flags & COMPRESSED) != 0) {
            throw new ConnectException(ConnectCode.UNIMPLEMENTED, "compressed envelopes are not supported (no Connect-Content-Encoding was agreed)");
        }
        if (n > maxBytes) {
            throw new ConnectException(ConnectCode.RESOURCE_EXHAUSTED, "message of " + n + " bytes exceeds the limit of " + maxBytes);
        }
        byte[] payload = readFully(in, (int) n);
        if (payload.length < n) {
            throw new ConnectException(ConnectCode.INVALID_ARGUMENT,
                    "malformed envelope: announced " + n + " bytes, got " + payload.length);
        }
        return new Envelope(flags, payload);
    }

    /**
     * Up to {@code n} bytes, fewer only at end of input. Unlike {@code InputStream.readNBytes} it never asks for
     * 0 bytes once it has them all: some streams (okio's) block on such a read until the next chunk arrives.
     */
    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) return java.util.Arrays.copyOf(b, off);
            off += r;
        }
        return b;
    }
}
