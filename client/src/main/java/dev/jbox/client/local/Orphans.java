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
        StateDir.ExitStatus end = dir.exitStatus(r);
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
        } else if (r.pid() > 0 && ProcessTree.carries(r.pid(), r.cookie())) {
            state = ProcessState.RUNNING;
        } else {
            state = ProcessState.FAILED; // gone, and nobody recorded how
        }
        return new ProcessInfo(r.id(), r.name(), r.pid(), r.command(), r.cwd(), r.env(), state, code, r.started(), endedAt,
                size(dir, r, ".out"), size(dir, r, ".err"), r.tag(), null, dir.sessionName());
    }

    /** True while the command of record {@code r} still runs (no exit file, and its main process lives). */
    static boolean running(StateDir dir, ProcessRecord r) {
        return dir.exitStatus(r) == null && r.pid() > 0 && ProcessTree.carries(r.pid(), r.cookie());
    }

    static long size(StateDir dir, ProcessRecord r, String suffix) {
        try {
            return java.nio.file.Files.size(dir.file(r, suffix));
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
