package dev.jbox.client;

/**
 * Bytes read from a process log. {@code offset} is where {@code bytes} start: greater than the offset asked
 * for when a log cap dropped the oldest bytes ({@code skipped} of them). {@code end} is the log's current end.
 */
public record LogRead(StreamKind stream, long offset, byte[] bytes, long skipped, long end) {

    public String text() {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
}
