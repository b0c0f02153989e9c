package dev.jbox.client;

import java.nio.charset.StandardCharsets;

/**
 * Bytes a process wrote, with the stream and the byte offset of the first one in that stream's log.
 * {@link #text()} decodes this chunk alone; use {@link Utf8Decoder} to decode a sequence of chunks
 * whose characters may be split across chunk boundaries.
 */
public record OutputChunk(StreamKind stream, long offset, byte[] bytes) {

    public OutputChunk {
        if (offset < 0) throw new IllegalArgumentException("offset < 0");
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    /** Offset just after this chunk. */
    public long end() {
        return offset + bytes.length;
    }

    /** This chunk decoded on its own (a character split at the edges becomes U+FFFD). */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
