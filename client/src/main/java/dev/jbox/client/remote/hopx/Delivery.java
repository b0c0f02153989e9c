package dev.jbox.client.remote.hopx;

import dev.jbox.client.CommandResult;
import dev.jbox.client.LogRead;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One subscription: its own thread hands chunks to the listener in order, from the subscriber's offsets on. The
 * poller offers what it fetched; bytes the subscriber is missing (it started before the poller's position, or its
 * queue overflowed while it was slow) are read from the log in the sandbox, so nothing is lost and a slow listener
 * delays only itself.
 */
final class Delivery implements Subscription, Runnable {

    /** Queued bytes beyond which chunks are dropped here and read from the log again when their turn comes. */
    static final long MAX_QUEUED = 8L << 20;

    private sealed interface Event permits Chunk, End, Failure {
    }

    private record Chunk(StreamKind stream, long offset, byte[] bytes) implements Event {
    }

    private record End(CommandResult result) implements Event {
    }

    private record Failure(SandboxException error) implements Event {
    }

    private final HopxCommandHandle handle;
    private final OutputListener listener;
    private final ArrayDeque<Event> queue = new ArrayDeque<>(); // guarded by this
    private long queued;                                        // guarded by this
    private final long[] at = new long[2];                      // next offset to deliver, per stream (delivery thread)
    private volatile long outDelivered;
    private volatile long errDelivered;
    private volatile boolean closed;
    private final Thread thread;

    Delivery(HopxCommandHandle handle, long stdoutOffset, long stderrOffset, OutputListener listener) {
        this.handle = handle;
        this.listener = listener;
        at[0] = outDelivered = stdoutOffset;
        at[1] = errDelivered = stderrOffset;
        this.thread = new Thread(this, "jbox-hopx-output-" + handle.id());
        thread.setDaemon(true);
    }

    Delivery start() {
        thread.start();
        return this;
    }

    void offer(StreamKind stream, long offset, byte[] bytes) {
        synchronized (this) {
            if (closed) return;
            if (queued + bytes.length > MAX_QUEUED) return; // the log keeps them: read back when the next chunk shows the gap
            queue.add(new Chunk(stream, offset, bytes));
            queued += bytes.length;
            notifyAll();
        }
    }

    void end(CommandResult result) {
        enqueue(new End(result));
    }

    void fail(SandboxException error) {
        enqueue(new Failure(error));
    }

    private synchronized void enqueue(Event e) {
        queue.add(e);
        notifyAll();
    }

    @Override
    public void run() {
        try {
            // what was written before this subscription (a late subscriber replays it from the log)
            catchUp(StreamKind.STDOUT, handle.knownBytes(StreamKind.STDOUT));
            catchUp(StreamKind.STDERR, handle.knownBytes(StreamKind.STDERR));
            while (!closed) {
                Event e;
                synchronized (this) {
                    while (queue.isEmpty() && !closed) wait();
                    if (closed) return;
                    e = queue.poll();
                    if (e instanceof Chunk c) queued -= c.bytes().length;
                }
                if (e instanceof Chunk c) {
                    deliver(c.stream(), c.offset(), c.bytes());
                } else if (e instanceof End end) {
                    catchUp(StreamKind.STDOUT, end.result().stdoutBytes());
                    catchUp(StreamKind.STDERR, end.result().stderrBytes());
                    if (!closed) listener.onExit(end.result());
                    return;
                } else if (e instanceof Failure f) {
                    if (!closed) listener.onError(f.error());
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SandboxException e) {
            if (!closed) listener.onError(e);
        }
    }

    /** Delivers the part of a chunk after what was delivered, reading from the log what lies between. */
    private void deliver(StreamKind stream, long offset, byte[] bytes) {
        int i = stream.ordinal();
        if (offset > at[i]) catchUp(stream, offset);
        long end = offset + bytes.length;
        if (end <= at[i] || closed) return;
        byte[] part = offset >= at[i] ? bytes : Arrays.copyOfRange(bytes, (int) (at[i] - offset), bytes.length);
        emit(stream, at[i], part);
    }

    /** Reads from the sandbox's log what lies between the delivered offset and {@code upTo}. */
    private void catchUp(StreamKind stream, long upTo) {
        int i = stream.ordinal();
        while (at[i] < upTo && !closed) {
            LogRead r = handle.readOutput(stream, at[i], (int) Math.min(1 << 20, upTo - at[i]));
            if (r.bytes().length == 0) return; // the log has no more (yet)
            emit(stream, r.offset(), r.bytes());
        }
    }

    private void emit(StreamKind stream, long offset, byte[] bytes) {
        listener.onOutput(new OutputChunk(stream, offset, bytes));
        int i = stream.ordinal();
        at[i] = offset + bytes.length;
        if (i == 0) outDelivered = at[i];
        else errDelivered = at[i];
    }

    @Override
    public long stdoutOffset() {
        return outDelivered;
    }

    @Override
    public long stderrOffset() {
        return errDelivered;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            queue.clear();
            notifyAll();
        }
        handle.unsubscribe(this);
    }
}
