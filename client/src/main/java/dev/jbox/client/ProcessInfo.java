package dev.jbox.client;

import java.time.Instant;
import java.util.Map;

/** A snapshot of one process of a sandbox, running or ended. {@code endedAt} and {@code exitCode} are null while it runs. */
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
        String tag) {
}
