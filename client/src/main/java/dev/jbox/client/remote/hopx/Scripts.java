package dev.jbox.client.remote.hopx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The bash scripts jbox runs in a HopX sandbox (resources next to this class; their heads say what they do). */
final class Scripts {

    private Scripts() {
    }

    /** Wraps a command: logs in files, a process group of its own, exit code on disk. */
    static final String START = load("start.sh");
    /** Waits for output or ends of watched commands and returns the new bytes. */
    static final String POLL = load("poll.sh");
    /** Reads a byte range of one log. */
    static final String READ = load("read.sh");
    /** Lists every command jbox started in the sandbox, with its meta data. */
    static final String LIST = load("list.sh");
    /** Signals a command's process tree. */
    static final String SIGNAL = load("signal.sh");

    private static String load(String name) {
        try (InputStream in = Scripts.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
