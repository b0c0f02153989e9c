package dev.jbox.client.local;

import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;

/** How a command that nobody watches looks from its record, its exit file and /proc. */
final class Orphans {

    private Orphans() {
    }

    /**
     * A snapshot of the command {@code r} of the sandbox {@code dir} as its record, exit file and /proc show it;
     * {@code adoptedFrom} names that sandbox.
     */
    static ProcessInfo info(StateDir dir, ProcessRecord r) {
        if (r.processState().isFinal()) {
            return new ProcessInfo(r.id(), r.name(), r.pid(), r.command(), r.cwd(), r.env(), r.processState(), r.exitCode(),
                    r.started(), r.ended(), size(dir, r, ".out"), size(dir, r, ".err"), r.tag(), null, dir.sessionName());
        }
        Look look = look(dir, r);
        StateDir.ExitStatus end = look.end();
        ProcessState state;
        Integer code = null;
        java.time.Instant endedAt = null;
        if (end != null) {
            code = end.code();
            endedAt = end.at();
            state = switch (end.reason()) {
                case "killed" -> ProcessState.KILLED;
                case "timedout" -> ProcessState.TIMED_OUT;
                default -> end.code() == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
            };
        } else if (look.alive()) {
            state = ProcessState.RUNNING;
        } else {
            state = ProcessState.FAILED; // gone, and nobody recorded how
        }
        return new ProcessInfo(r.id(), r.name(), r.pid(), r.command(), r.cwd(), r.env(), state, code, r.started(), endedAt,
                size(dir, r, ".out"), size(dir, r, ".err"), r.tag(), null, dir.sessionName());
    }

    /**
     * How the command of a record looks now: {@code end} from its exit file, or else {@code alive} if its main
     * process still runs; neither when it is gone and nobody recorded how it ended.
     */
    record Look(StateDir.ExitStatus end, boolean alive) {
    }

    /**
     * Looks at the command of record {@code r} once, allowing for its two unsettled moments: around its exec (it does
     * not show its cookie yet) and between its end and its exit file (its supervisor writes that right after).
     */
    static Look look(StateDir dir, ProcessRecord r) {
        StateDir.ExitStatus end = dir.exitStatus(r);
        boolean alive = end == null && r.pid() > 0 && carriesSettled(r.pid(), r.cookie());
        if (end == null && !alive) end = lateExitStatus(dir, r);
        return new Look(end, alive);
    }

    /** True while the command of record {@code r} still runs (no exit file, and its main process lives). */
    static boolean running(StateDir dir, ProcessRecord r) {
        return dir.exitStatus(r) == null && r.pid() > 0 && carriesSettled(r.pid(), r.cookie());
    }

    /**
     * {@link ProcessTree#carries}, asked again for up to 100 ms while the process lives but does not show its cookie:
     * for an instant around its exec a command shows no environment (or its supervisor's), and read as ended.
     */
    private static boolean carriesSettled(long pid, String cookie) {
        for (int i = 0; i < 5; i++) {
            if (ProcessTree.carries(pid, cookie)) return true;
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return false;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return ProcessTree.carries(pid, cookie);
    }

    /**
     * The exit file of a command whose main process is gone. Its supervisor reaps it first and writes the file right
     * after, so the file gets a moment to appear; null if it does not (nobody recorded the end).
     */
    private static StateDir.ExitStatus lateExitStatus(StateDir dir, ProcessRecord r) {
        for (int i = 0; i < 5; i++) {
            StateDir.ExitStatus end = dir.exitStatus(r);
            if (end != null) return end;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return dir.exitStatus(r);
    }

    static long size(StateDir dir, ProcessRecord r, String suffix) {
        try {
            return java.nio.file.Files.size(dir.file(r, suffix));
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
