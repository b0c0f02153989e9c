package dev.jbox.kernel.eval;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;

/**
 * The thread snippets run on, kept from one snippet to the next: starting a thread for each snippet cost 0.3-1.5 ms
 * of every cell on a virtual machine. A snippet whose forced stop ended the thread, or one that never returned,
 * leaves it unusable; {@link #offer} then says no and the caller starts a new one.
 *
 * <pre>{@code
 * CellThread t = new CellThread("jbox-cell-1", loader);
 * if (!t.offer(snippet, loader)) { t.retire(); ... start another ... }
 * }</pre>
 */
final class CellThread {

    /** How long a hand-off waits for the thread to be back from its previous snippet (it notifies just before). */
    private static final long HAND_OFF_MILLIS = 200;

    private final SynchronousQueue<Runnable> work = new SynchronousQueue<>();
    private final Thread thread;
    private volatile boolean retired;

    CellThread(String name, ClassLoader contextLoader) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(contextLoader);
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    /**
     * Runs {@code snippet} on this thread, if it is alive and waiting for work (or back within a moment); false
     * otherwise, and then nothing runs.
     */
    boolean offer(Runnable snippet, ClassLoader contextLoader) throws InterruptedException {
        if (!thread.isAlive()) {
            return false;
        }
        thread.setContextClassLoader(contextLoader); // the class path may have grown since the last snippet
        return work.offer(snippet, HAND_OFF_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Lets the thread end once it is idle: another one replaced it. */
    void retire() {
        retired = true;
        thread.interrupt();
    }

    private void loop() {
        while (!retired) {
            Runnable next;
            try {
                next = work.take();
            } catch (InterruptedException e) {
                continue; // retired, or a stop request that came after its snippet ended: nothing to stop
            }
            Thread.interrupted(); // nor may a late one reach the next snippet
            next.run();
        }
    }
}
