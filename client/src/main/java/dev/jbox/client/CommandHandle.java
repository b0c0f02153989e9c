package dev.jbox.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One started command. Thread-safe. Output is kept in a log, so reading and subscribing never block the process.
 *
 * <pre>{@code
 * CommandHandle h = sandbox.commands().start("for i in 1 2 3; do echo $i; sleep 1; done");
 * try (Subscription s = h.subscribe(chunk -> System.out.print(chunk.text()))) {
 *     CommandResult r = h.waitFor(Duration.ofSeconds(10));
 *     System.out.println("exit " + r.exitCode());
 * }
 * }</pre>
 */
public interface CommandHandle {

    /** Stable id within its sandbox, e.g. {@code "p3"}, or the name given with {@link RunOptions#name}. */
    String id();

    /** OS process id of the command's process (group leader); -1 if it never started. */
    long pid();

    /** A snapshot of this process: command, state, times, byte counts. */
    ProcessInfo info();

    ProcessState state();

    /** Exit code once ended; null while running. */
    Integer exitCode();

    /** Waits without limit for the end. */
    CommandResult waitFor() throws InterruptedException;

    /** Waits up to {@code timeout}; if still running then, returns a result whose state is RUNNING. */
    CommandResult waitFor(Duration timeout) throws InterruptedException;

    /** TERM to the whole process tree, KILL after a grace period. Returns false if it had already ended. */
    boolean kill();

    /** Sends a signal to the whole process tree. */
    void signal(Signal signal);

    /**
     * Writes to the process's stdin; requires {@link RunOptions#stdin(boolean)}. Does not block on a process that
     * does not read: the bytes are queued (the local backend refuses more than 8 MB unread with a
     * {@link SandboxException}).
     */
    void sendStdin(byte[] data);

    default void sendStdin(String text) {
        sendStdin(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the process's stdin (EOF) once what was sent has been written; does nothing if it is closed or was never opened. */
    void closeStdin();

    /** Everything from the start of both logs, then live output, then {@code onExit}. */
    default Subscription subscribe(OutputListener listener) {
        return subscribe(0, 0, listener);
    }

    /** Replays each stream from the given byte offset, then live output, then {@code onExit}. */
    Subscription subscribe(long stdoutOffset, long stderrOffset, OutputListener listener);

    /** The whole stdout log as UTF-8 text (what is retained of it, if a cap dropped old bytes). */
    default String stdout() {
        return readAll(StreamKind.STDOUT);
    }

    /** The whole stderr log as UTF-8 text. */
    default String stderr() {
        return readAll(StreamKind.STDERR);
    }

    /** Up to {@code maxBytes} of a stream's log starting at {@code offset}. */
    LogRead readOutput(StreamKind stream, long offset, int maxBytes);

    /** A stream's log from its first retained byte to its end, read in 1 MiB pieces through {@link #readOutput}. */
    private String readAll(StreamKind kind) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long at = 0;
        while (true) {
            LogRead r = readOutput(kind, at, 1 << 20);
            out.writeBytes(r.bytes());
            at = r.offset() + r.bytes().length;
            if (r.bytes().length == 0 || at >= r.end()) break;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
