package dev.jbox.kernel.magic;

import dev.jbox.client.CommandResult;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Utf8Decoder;
import dev.jbox.kernel.display.CellOutput;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Carries one process's output into one cell: decodes UTF-8 per stream and keeps to the cell's rate limit.
 * Bytes over the limit are skipped (the log keeps them) and announced with the exact {@code %logs} command that
 * shows them. Text goes to the cell as it arrives: the kernel's {@link CellOutput} coalesces it (about 50 ms),
 * and a second coalescing step here would only add latency. Ticks close long skip episodes with a notice.
 */
final class OutputPump implements OutputListener, Ticker.Tickable {

    private static final long NOTICE_EVERY_NANOS = 1_000_000_000L;

    private final String jobId;
    private final CellOutput target;
    private final RateLimiter limiter;
    private final LongSupplier rate;
    private final Consumer<CommandResult> onEnd;
    private final Utf8Decoder[] decoders = {new Utf8Decoder(), new Utf8Decoder()};
    private final StringBuilder[] pending = {new StringBuilder(), new StringBuilder()};
    private final long[] skipFrom = {-1, -1};
    private final long[] skipBytes = {0, 0};
    private final long[] skipSince = {0, 0};
    private final CountDownLatch ended = new CountDownLatch(1);
    private long totalSkipped;
    private volatile boolean finished;

    OutputPump(String jobId, CellOutput target, RateLimiter limiter, LongSupplier rate, Consumer<CommandResult> onEnd) {
        this.jobId = jobId;
        this.target = target;
        this.limiter = limiter;
        this.rate = rate;
        this.onEnd = onEnd;
    }

    CellOutput target() {
        return target;
    }

    @Override
    public synchronized void onOutput(OutputChunk chunk) {
        int i = chunk.stream().ordinal();
        if (limiter.tryAcquire(chunk.length())) {
            closeSkip(i);
            pending[i].append(decoders[i].decode(chunk.bytes()));
            flushLocked();
        } else {
            if (skipFrom[i] < 0) {
                skipFrom[i] = chunk.offset();
                skipSince[i] = System.nanoTime();
            }
            skipBytes[i] += chunk.length();
            totalSkipped += chunk.length();
            decoders[i] = new Utf8Decoder(); // a partial character before the skip is gone
        }
    }

    @Override
    public synchronized void onGap(StreamKind stream, long offset, long missing) {
        pending[1].append("[jbox] ").append(jobId).append(": ").append(ByteSizes.format(missing)).append(" of ")
                .append(name(stream.ordinal())).append(" were dropped by the log size cap before they could be shown\n");
        flushLocked();
    }

    @Override
    public void onExit(CommandResult result) {
        synchronized (this) {
            for (int i = 0; i < 2; i++) {
                pending[i].append(decoders[i].finish());
                closeSkip(i);
            }
            flushLocked();
            finished = true;
        }
        try {
            onEnd.accept(result);
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void onError(Exception error) {
        synchronized (this) {
            pending[1].append("[jbox] ").append(jobId).append(": output connection lost: ").append(error.getMessage()).append('\n');
            flushLocked();
            finished = true;
        }
        ended.countDown();
    }

    @Override
    public synchronized boolean tick(long nowNanos) {
        for (int i = 0; i < 2; i++) {
            if (skipFrom[i] >= 0 && nowNanos - skipSince[i] >= NOTICE_EVERY_NANOS) closeSkip(i);
        }
        flushLocked();
        return !finished;
    }

    /** Sends what is buffered now. */
    synchronized void flush() {
        flushLocked();
    }

    /** Waits until the process's exit went through this pump (all its output is out). */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized long skippedBytes() {
        return totalSkipped;
    }

    private void closeSkip(int i) {
        if (skipFrom[i] < 0) return;
        String streamOpt = i == 0 ? "" : " --stderr";
        pending[1].append("[jbox] ").append(jobId).append(": skipped ").append(ByteSizes.format(skipBytes[i]))
                .append(" of ").append(name(i)).append(" over the rate limit of ").append(ByteSizes.format(rate.getAsLong()))
                .append("/s per cell; the log has them: %logs ").append(jobId).append(streamOpt)
                .append(" --offset ").append(skipFrom[i]).append(" --bytes ").append(skipBytes[i]).append('\n');
        skipFrom[i] = -1;
        skipBytes[i] = 0;
    }

    private void flushLocked() {
        for (int i = 0; i < 2; i++) {
            if (pending[i].length() > 0) {
                target.stream(name(i), pending[i].toString());
                pending[i].setLength(0);
            }
        }
    }

    private static String name(int i) {
        return i == 0 ? "stdout" : "stderr";
    }
}
