package dev.jbox.client;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of one process of a sandbox, running or ended. {@code endedAt} and {@code exitCode} are null while it
 * runs.
 *
 * @param backendState the backend's own name for the state when it has one of its own (HopX: {@code queued},
 *                     {@code completed}, ...), else null; {@link #state} is always the portable one
 * @param adoptedFrom  the session this process was taken over from after that session's kernel died, else null
 */
public record ProcessInfo(
        String id,
        String name,
        long pid,
        String command,
        String cwd,
        Map<String, String> env,
        ProcessState state,
        Integer exitCode,
        Instant startedAt,
        Instant endedAt,
        long stdoutBytes,
        long stderrBytes,
        String tag,
        String backendState,
        String adoptedFrom) {

    /** A process with no backend-specific state, started by this session. */
    public ProcessInfo(String id, String name, long pid, String command, String cwd, Map<String, String> env,
            ProcessState state, Integer exitCode, Instant startedAt, Instant endedAt, long stdoutBytes,
            long stderrBytes, String tag) {
        this(id, name, pid, command, cwd, env, state, exitCode, startedAt, endedAt, stdoutBytes, stderrBytes, tag,
                null, null);
    }
}
