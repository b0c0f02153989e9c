package dev.jbox.client.local;

import dev.jbox.client.CommandResult;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.StreamKind;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Records what a subscription delivers and checks the listener contract (contiguous offsets, one onExit last). */
class Recorder implements OutputListener {

    final long[] next = new long[2];
    final long[] gaps = new long[2];
    final List<OutputChunk> chunks = new ArrayList<>();
    final ByteArrayOutputStream[] kept = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    final MessageDigest[] digests = {sha(), sha()};
    final boolean keepBytes;
    final CountDownLatch exited = new CountDownLatch(1);
    volatile CommandResult result;
    volatile String violation;
    int exits;

    Recorder(long stdoutFrom, long stderrFrom, boolean keepBytes) {
        next[0] = stdoutFrom;
        next[1] = stderrFrom;
        this.keepBytes = keepBytes;
    }

    Recorder() {
        this(0, 0, true);
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void onOutput(OutputChunk c) {
        int s = c.stream().ordinal();
        if (exits > 0) violation = "output after onExit";
        if (c.offset() != next[s]) violation = c.stream() + " chunk at " + c.offset() + ", expected " + next[s];
        next[s] = c.end();
        byte[] b = c.bytes();
        digests[s].update(b);
        if (keepBytes) {
            kept[s].write(b, 0, b.length);
            chunks.add(c);
        }
    }

    @Override
    public synchronized void onGap(StreamKind stream, long offset, long missing) {
        int s = stream.ordinal();
        if (offset != next[s]) violation = "gap at " + offset + ", expected " + next[s];
        gaps[s] += missing;
        next[s] = offset + missing;
    }

    @Override
    public synchronized void onExit(CommandResult r) {
        exits++;
        result = r;
        exited.countDown();
    }

    CommandResult awaitExit() throws InterruptedException {
        return awaitExit(Duration.ofSeconds(30));
    }

    CommandResult awaitExit(Duration d) throws InterruptedException {
        if (!exited.await(d.toMillis(), TimeUnit.MILLISECONDS)) fail("no onExit within " + d);
        synchronized (this) {
            assertEquals(1, exits, "exactly one onExit");
            assertEquals(null, violation);
            return result;
        }
    }

    synchronized String text(StreamKind s) {
        return kept[s.ordinal()].toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    synchronized byte[] digest(StreamKind s) {
        return digests[s.ordinal()].digest();
    }

    synchronized long delivered(StreamKind s) {
        return next[s.ordinal()];
    }

    void assertNoViolation() {
        assertTrue(violation == null, violation);
    }
}
