package dev.jbox.client.local;

import dev.jbox.client.SandboxException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Feeds a process's stdin (its FIFO) from a pool thread, so that a caller never blocks on a process that does not
 * read: {@link #send} queues the bytes and returns; at most {@link #MAX_PENDING} bytes may wait, beyond that
 * {@code send} fails with a clear message. Order is kept; {@link #close} takes effect after what is queued, and
 * then runs {@code onClosed} (which tells the supervisor to close its end, so that the process reads EOF).
 * The stream is opened on first use.
 */
final class StdinWriter {

    static final int MAX_PENDING = 8 * 1024 * 1024;

    /** Opens the stream to write into. */
    interface Opener {
        OutputStream open() throws IOException;
    }

    private final String processId;
    private final Opener opener;
    private final Runnable onClosed;
    private final Executor executor;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by this
    private OutputStream stream;                                // guarded by this until opened, then the drainer's
    private long pending;                                       // guarded by this
    private boolean closing;                                    // guarded by this
    private boolean aborted;                                    // guarded by this
    private boolean draining;                                   // guarded by this
    private IOException failure;                                // guarded by this

    StdinWriter(String processId, Opener opener, Runnable onClosed, Executor executor) {
        this.processId = processId;
        this.opener = opener;
        this.onClosed = onClosed;
        this.executor = executor;
    }

    synchronized void send(byte[] data) {
        if (closing) throw new SandboxException("stdin of process " + processId + " is closed");
        if (failure != null) {
            throw new SandboxException("cannot write to stdin of process " + processId + ": it closed its input or ended");
        }
        if (pending + data.length > MAX_PENDING) {
            throw new SandboxException("stdin of process " + processId + " is full: it has not read the last "
                    + pending + " bytes sent (limit " + MAX_PENDING + ")");
        }
        if (data.length == 0) return;
        queue.add(data.clone());
        pending += data.length;
        startDraining();
    }

    synchronized void close() {
        if (closing) return;
        closing = true;
        startDraining();
    }

    /** The process ended: drop what is queued and close the stream, which also wakes a write blocked on it. */
    void abort() {
        OutputStream s;
        synchronized (this) {
            aborted = true;
            closing = true;
            queue.clear();
            pending = 0;
            s = stream;
        }
        closeQuietly(s);
    }

    /** Bytes sent but not yet taken by the process. */
    synchronized long pending() {
        return pending;
    }

    private void startDraining() { // holding the lock
        if (!draining && !aborted) {
            draining = true;
            executor.execute(this::drain);
        }
    }

    private void drain() {
        for (;;) {
            byte[] next;
            OutputStream s;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    if (closing && !aborted) finish();
                    return;
                }
                s = stream;
            }
            try {
                if (s == null) s = open();
                s.write(next);
                s.flush();
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                    queue.clear();
                    pending = 0;
                    draining = false;
                }
                closeQuietly(s);
                return;
            }
            synchronized (this) {
                pending -= next.length;
            }
        }
    }

    private OutputStream open() throws IOException {
        OutputStream s = opener.open();
        synchronized (this) {
            if (aborted) {
                closeQuietly(s);
                throw new IOException("the process ended");
            }
            stream = s;
        }
        return s;
    }

    private void finish() { // holding the lock, once
        aborted = true;
        closeQuietly(stream);
        onClosed.run();
    }

    private static void closeQuietly(OutputStream s) {
        if (s == null) return;
        try {
            s.close();
        } catch (IOException e) {
            // the process is gone: its input is closed either way
        }
    }
}
