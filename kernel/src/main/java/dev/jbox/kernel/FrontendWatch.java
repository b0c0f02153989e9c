package dev.jbox.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Ends the kernel when the frontend that started it is gone, as ipykernel does. jupyter_client starts every kernel
 * with {@code JPY_PARENT_PID}; when it is set, the kernel watches that process (if it is one of its ancestors) and
 * its own parent (being re-parented means whoever launched it died). Without {@code JPY_PARENT_PID} (a kernel
 * started by hand, {@code jbox kernel -f FILE}) nothing is watched.
 *
 * <p>It polls every {@link #POLL_MILLIS} ms: {@code ProcessHandle.onExit()} on a process that is not our child
 * polls too, but with a sleep that grows by 30 ms per check up to 5 s, so after a few minutes it would notice a
 * dead frontend seconds late. A check reads one {@code /proc} entry.
 *
 * <pre>{@code
 * FrontendWatch.fromEnvironment(System.getenv(), Kernel::exitFrontendGone).ifPresent(FrontendWatch::start);
 * }</pre>
 */
final class FrontendWatch implements Runnable {

    private static final long POLL_MILLIS = 200;
    private static final System.Logger LOG = System.getLogger("jbox.kernel");

    private final long frontendPid;
    private final long parentPid; // 1 when the kernel was an orphan already at start
    private final List<ProcessHandle> watched;
    private final LongConsumer onGone;

    private FrontendWatch(long frontendPid, long parentPid, List<ProcessHandle> watched, LongConsumer onGone) {
        this.frontendPid = frontendPid;
        this.parentPid = parentPid;
        this.watched = watched;
        this.onGone = onGone;
    }

    /**
     * The watch for this process, or empty when {@code JPY_PARENT_PID} is unset, is 1 (a launcher running as init,
     * in a container) or is not a number (which is logged). {@code onGone} gets the pid of the process that went
     * away, once, on the watch's thread.
     */
    static Optional<FrontendWatch> fromEnvironment(Map<String, String> env, LongConsumer onGone) {
        String value = env.get("JPY_PARENT_PID");
        if (value == null || value.isBlank()) {
            LOG.log(System.Logger.Level.DEBUG, "JPY_PARENT_PID is unset: the kernel runs until it is shut down");
            return Optional.empty();
        }
        long frontendPid;
        try {
            frontendPid = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "JPY_PARENT_PID is not a process id ('" + value + "'); not watching the frontend");
            return Optional.empty();
        }
        if (frontendPid == 1) {
            return Optional.empty(); // init never goes away
        }
        long parentPid = currentParentPid();
        List<ProcessHandle> watched = new ArrayList<>();
        // JPY_PARENT_PID from another pid namespace (a kernel in a container) names some other process: only an
        // ancestor is the frontend. Otherwise, as ipykernel, only re-parenting is watched.
        ancestor(frontendPid).filter(a -> a.pid() != parentPid).ifPresent(watched::add);
        return Optional.of(new FrontendWatch(frontendPid, parentPid, List.copyOf(watched), onGone));
    }

    private static long currentParentPid() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
    }

    private static Optional<ProcessHandle> ancestor(long pid) {
        for (Optional<ProcessHandle> p = ProcessHandle.current().parent(); p.isPresent(); p = p.get().parent()) {
            if (p.get().pid() == pid) {
                return p;
            }
        }
        return Optional.empty();
    }

    /** Starts watching on a daemon thread. */
    void start() {
        Thread t = new Thread(this, "jbox-frontend-watch");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void run() {
        try {
            while (true) {
                long gone = goneProcess();
                if (gone != 0) {
                    onGone.accept(gone);
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The pid of a watched process that has ended, or 0. */
    private long goneProcess() {
        if (parentPid == 1) {
            return frontendPid; // the launcher died before the kernel got here
        }
        // Our parent's pid changes the moment it dies (even while it is a zombie nobody has reaped yet).
        if (currentParentPid() != parentPid) {
            return parentPid;
        }
        for (ProcessHandle h : watched) {
            if (!h.isAlive()) {
                return h.pid();
            }
        }
        return 0;
    }
}
