package dev.jbox.client.local;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread for the whole JVM that looks at the logs of running commands every
 * {@link #INTERVAL_NANOS} (an fstat per log) and wakes their subscribers when they grew. The commands write
 * their logs themselves, so this is how the JVM hears of new output. The thread parks while nothing runs.
 */
final class LogPoller {

    /** 10 ms: small next to the 50 ms for which the kernel coalesces output before it sends it. */
    static final long INTERVAL_NANOS = 10_000_000L;

    private static final Set<LocalProcess> WATCHED = ConcurrentHashMap.newKeySet();
    /** Work a tick finds that may block (punching holes into capped logs); never done on the poller itself. */
    static final ExecutorService SLOW_WORK = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jbox-log-reclaim");
        t.setDaemon(true);
        return t;
    });
    private static final Thread THREAD = new Thread(LogPoller::run, "jbox-log-poller");

    static {
        THREAD.setDaemon(true);
        THREAD.start();
    }

    private LogPoller() {
    }

    static void add(LocalProcess p) {
        WATCHED.add(p);
        LockSupport.unpark(THREAD);
    }

    static void remove(LocalProcess p) {
        WATCHED.remove(p);
    }

    private static void run() {
        for (;;) {
            if (WATCHED.isEmpty()) {
                LockSupport.park();
                continue;
            }
            long next = System.nanoTime() + INTERVAL_NANOS;
            for (LocalProcess p : WATCHED) {
                try {
                    p.poll();
                } catch (RuntimeException e) {
                    System.getLogger("jbox.sandbox").log(System.Logger.Level.WARNING, "polling " + p + ": " + e);
                }
            }
            long left;
            while ((left = next - System.nanoTime()) > 0) LockSupport.parkNanos(left);
        }
    }
}
