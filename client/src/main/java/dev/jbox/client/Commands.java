package dev.jbox.client;

import java.util.List;
import java.util.Optional;

/**
 * Commands of one sandbox.
 *
 * <pre>{@code
 * CommandHandle h = sandbox.commands().start("make test", RunOptions.background().timeout(Duration.ofMinutes(10)));
 * CommandResult r = sandbox.commands().run("ls -la");   // foreground, captured
 * }</pre>
 */
public interface Commands {

    /**
     * Starts {@code command} (under {@code bash -c}; directly when it has no shell syntax; or the argv in options)
     * and returns once it started or failed to.
     */
    CommandHandle start(String command, RunOptions options);

    /** Same as {@code start(command, RunOptions.background())}. */
    default CommandHandle start(String command) {
        return start(command, RunOptions.background());
    }

    /**
     * Runs in the foreground: waits for the end and returns captured stdout, stderr and exit code. The whole
     * output is returned as strings (the local backend refuses more than 512 MB per stream with a
     * {@link SandboxException}); for bigger outputs use {@link #start} and {@link CommandHandle#readOutput}.
     * If the waiting thread is interrupted, the command is killed and a {@link SandboxException} is thrown.
     */
    default CommandResult run(String command, RunOptions options) {
        CommandHandle h = start(command, options);
        try {
            CommandResult r = h.waitFor();
            return new CommandResult(r.id(), r.state(), r.exitCode(), h.stdout(), h.stderr(), r.stdoutBytes(), r.stderrBytes(),
                    r.startedAt(), r.duration(), r.error());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            h.kill();
            throw new SandboxException("interrupted while running '" + command + "'; process " + h.id() + " was killed", e);
        }
    }

    /** Same as {@code run(command, RunOptions.background())}. */
    default CommandResult run(String command) {
        return run(command, RunOptions.background());
    }

    /** Every process this sandbox knows: running and ended, oldest first. */
    List<ProcessInfo> list();

    /** The handle with this id, if known. */
    Optional<CommandHandle> get(String id);

    /** Kills the process tree with this id (TERM, grace period, KILL). Returns false if it had already ended. */
    boolean kill(String id);

    /**
     * Drops the record and the logs of an ended process: it leaves {@link #list()} and its output is gone. Returns
     * false if the process is unknown, still running, or the backend keeps every record (the default).
     * <pre>{@code
     * CommandHandle probe = sandbox.commands().start("df -h /");
     * probe.waitFor();
     * String usage = probe.stdout();
     * sandbox.commands().forget(probe.id());
     * }</pre>
     */
    default boolean forget(String id) {
        return false;
    }
}
