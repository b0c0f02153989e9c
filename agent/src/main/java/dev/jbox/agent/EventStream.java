package dev.jbox.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Envelope;
import dev.jbox.client.remote.envd.Messages.EndOfStream;
import dev.jbox.client.remote.envd.Messages.StreamResponse;
import dev.jbox.client.remote.envd.Protocol;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The response side of one server stream: envelopes written and flushed one by one; ends with an end-stream
 * envelope. Writers are the sandbox's delivery thread and the keepalive timer, hence the lock (a lock rather
 * than {@code synchronized} so that the timer can skip a stream that is busy writing).
 * A failed write means the client went away: the stream is then finished without a trailer.
 */
final class EventStream {

    private final OutputStream out;
    private final ObjectMapper mapper;
    private final CountDownLatch done = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private boolean finished;

    EventStream(HttpExchange exchange, ObjectMapper mapper) throws IOException {
        this.mapper = mapper;
        exchange.getResponseHeaders().set("Content-Type", Protocol.CONNECT_JSON);
        exchange.sendResponseHeaders(200, 0);
        this.out = new BufferedOutputStream(exchange.getResponseBody(), 8192);
    }

    /**
     * A keepalive, unless an event is being written right now (then the stream is not idle anyway). Never blocks,
     * so one client that stopped reading cannot hold up the shared keepalive timer.
     */
    boolean trySend(StreamResponse response) {
        if (!lock.tryLock()) return true;
        try {
            return send(response);
        } finally {
            lock.unlock();
        }
    }

    /** Writes one event; false if the stream is over (finished or client gone). */
    boolean send(StreamResponse response) {
        lock.lock();
        try {
            return write(response);
        } finally {
            lock.unlock();
        }
    }

    private boolean write(StreamResponse response) {
        if (finished) return false;
        try {
            new Envelope(0, mapper.writeValueAsBytes(response)).writeTo(out);
            out.flush();
            return true;
        } catch (IOException e) {
            finished = true;
            done.countDown();
            return false;
        }
    }

    /** Writes output as a {@link Envelope#RAW_DATA} envelope (clients that asked for it); false if the stream is over. */
    boolean sendRaw(boolean stdout, long offset, byte[] bytes) {
        lock.lock();
        try {
            return writeRaw(stdout, offset, bytes);
        } finally {
            lock.unlock();
        }
    }

    private boolean writeRaw(boolean stdout, long offset, byte[] bytes) {
        if (finished) return false;
        try {
            int n = 9 + bytes.length;
            byte[] head = new byte[14];
            head[0] = (byte) Envelope.RAW_DATA;
            head[1] = (byte) (n >>> 24);
            head[2] = (byte) (n >>> 16);
            head[3] = (byte) (n >>> 8);
            head[4] = (byte) n;
            head[5] = (byte) (stdout ? 1 : 2);
            for (int i = 0; i < 8; i++) head[6 + i] = (byte) (offset >>> (56 - 8 * i));
            out.write(head);
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            finished = true;
            done.countDown();
            return false;
        }
    }

    /** Ends the stream with {@code {}} or the given error. Idempotent. */
    void finish(ConnectException error) {
        lock.lock();
        try {
            writeTrailer(error);
        } finally {
            lock.unlock();
        }
    }

    private void writeTrailer(ConnectException error) {
        if (finished) return;
        finished = true;
        try {
            byte[] trailer = mapper.writeValueAsBytes(new EndOfStream(error == null ? null : error.body()));
            new Envelope(Envelope.END_STREAM, trailer).writeTo(out);
            out.flush();
        } catch (IOException ignored) {
            // client gone; nothing left to tell it
        } finally {
            done.countDown();
        }
    }

    boolean isOpen() {
        lock.lock();
        try {
            return !finished;
        } finally {
            lock.unlock();
        }
    }

    void awaitEnd() throws InterruptedException {
        done.await();
    }

    boolean awaitEnd(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }
}
