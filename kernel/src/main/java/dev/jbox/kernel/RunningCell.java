package dev.jbox.kernel;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The execute request the shell thread is handling, seen from another thread: the control thread waits here so
 * that an {@code interrupt_reply} goes out after the interrupted cell's reply and idle.
 *
 * <pre>{@code
 * cell.begin(); try { dispatch(request); } finally { cell.end(); }   // shell thread
 * boolean ended = cell.awaitEnd(Duration.ofSeconds(2));              // control thread
 * }</pre>
 */
final class RunningCell {

    private volatile CountDownLatch current; // null between cells

    /** Shell thread: a cell starts. */
    void begin() {
        current = new CountDownLatch(1);
    }

    /** Shell thread: the cell's reply and idle are out. */
    void end() {
        CountDownLatch c = current;
        current = null;
        if (c != null) {
            c.countDown();
        }
    }

    /** Waits until the cell running now, if any, has ended; false if it still runs after {@code timeout}. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        CountDownLatch c = current;
        return c == null || c.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
