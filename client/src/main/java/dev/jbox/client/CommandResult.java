package dev.jbox.client;

import java.time.Duration;
import java.time.Instant;

/**
 * How a command ended (or where it stands, if a {@code waitFor} timed out: state RUNNING, exitCode null).
 * {@code stdout}/{@code stderr} hold captured text for foreground {@code run} calls and are empty for
 * {@code waitFor} results; the byte counts are always the totals written by the process.
 */
public record CommandResult(
        String id,
        ProcessState state,
        Integer exitCode,
        String stdout,
        String stderr,
        long stdoutBytes,
        long stderrBytes,
        Instant startedAt,
        Duration duration,
        String error) {

    /** True for a finished command with exit code 0. */
    public boolean ok() {
        return state == ProcessState.COMPLETED && exitCode != null && exitCode == 0;
    }
}
