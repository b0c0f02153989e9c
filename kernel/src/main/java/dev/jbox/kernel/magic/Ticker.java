package dev.jbox.kernel.magic;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** One daemon thread that drives output flushes and panel refreshes every {@value #PERIOD_MS} ms. */
final class Ticker implements AutoCloseable {

    static final long PERIOD_MS = 50;

    /** Something ticked; returns false when it needs no more ticks. */
    interface Tickable {
        boolean tick(long nowNanos);
    }

    private final CopyOnWriteArrayList<Tickable> items = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jbox-magic-ticker");
        t.setDaemon(true);
        return t;
    });

    Ticker() {
        timer.scheduleWithFixedDelay(this::tickAll, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    void add(Tickable t) {
        items.add(t);
    }

    private void tickAll() {
        long now = System.nanoTime();
        for (Tickable t : items) {
            boolean more;
            try {
                more = t.tick(now);
            } catch (RuntimeException e) {
                // A failing panel or pump must not stop the others; drop it.
                System.err.println("jbox: output pump failed: " + e);
                more = false;
            }
            if (!more) items.remove(t);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        items.clear();
    }
}
