package dev.jbox.client.local;

import dev.jbox.client.SandboxException;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Feeds a process's stdin from a pool thread, so that a caller never blocks on a process that does not read:
 * {@link #send} queues the bytes and returns; at most {@link #MAX_PENDING} bytes may wait, beyond that
 * {@code send} fails with a clear message. Order is kept; {@link #close} takes effect after what is queued.
 */
final class StdinWriter {

    static final int MAX_PENDING = 8 * 1024 * 1024;

    private final String processId;
    private final OutputStream stream;
    private final Executor executor;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by this
    private long pending;                                       // guarded by this
    private boolean closing;                                    // guarded by this
    private boolean draining;                                   // guarded by this
    private IOException failure;                                // guarded by this

    StdinWriter(String processId, OutputStream stream, Executor executor) {
        this.processId = processId;
        this.stream = stream;
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

    /** Bytes sent but not yet taken by the process. */
    synchronized long pending() {
        return pending;
    }

    private void startDraining() { // holding the lock
        if (!draining) {
            draining = true;
            executor.execute(this::drain);
        }
    }

    private void drain() {
        for (;;) {
            byte[] next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    if (closing) closeStream();
                    return;
                }
            }
            try {
                stream.write(next);
                stream.flush();
            } catch (IOException e) {
                synchronized (this) {
                    failure = e;
                    queue.clear();
                    pending = 0;
                    draining = false;
                }
                closeStream();
                return;
            }
            synchronized (this) {
                pending -= next.length;
            }
        }
    }

    private void closeStream() {
        try {
            stream.close();
        } catch (IOException e) {
            // the process is gone: its input is closed either way
        }
    }
}
