package dev.jbox.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of a local sandbox. Immutable.
 *
 * <pre>{@code
 * Sandbox sb = Sandbox.local(LocalOptions.defaults().workDir(Path.of("/srv")).logCapBytes(1L << 30));
 * Sandbox durable = Sandbox.local(LocalOptions.defaults().session("my-app"));  // adopts what a crashed "my-app" left
 * }</pre>
 *
 * @param workDir        default working directory of commands
 * @param stateDir       root of the state directories (records and logs); null means {@code $JBOX_STATE_DIR}, else
 *                       {@code $XDG_DATA_HOME/jbox}, else {@code ~/.local/share/jbox}
 * @param env            environment added to every command (on top of this JVM's)
 * @param logCapBytes    per stream: beyond it the oldest bytes are dropped (with a gap marker); 0 means no cap
 * @param killGrace      time between TERM and KILL
 * @param session        names the sandbox across restarts: a new sandbox of the same session adopts the commands
 *                       that a dead one left running. Null: an anonymous sandbox, whose state is deleted when it
 *                       closes (its commands are still found by {@code LocalSandbox.orphans} after a crash)
 * @param onCrash        what happens to the commands if this JVM dies without closing the sandbox
 * @param retention      ended commands' records and logs older than this are removed
 * @param retentionBytes beyond this total size of ended commands' logs, the oldest are removed
 */
public record LocalOptions(Path workDir, Path stateDir, Map<String, String> env, long logCapBytes, Duration killGrace,
                           String session, CrashPolicy onCrash, Duration retention, long retentionBytes) {

    /** Ended commands are kept 7 days, and at most 1 GiB of their logs. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final long DEFAULT_RETENTION_BYTES = 1L << 30;

    public LocalOptions {
        env = Map.copyOf(env);
        if (logCapBytes < 0) throw new IllegalArgumentException("logCapBytes must be >= 0");
        if (killGrace == null || killGrace.isNegative()) throw new IllegalArgumentException("killGrace must be >= 0");
        if (onCrash == null) throw new IllegalArgumentException("onCrash must not be null");
        if (retention == null || retention.isNegative()) throw new IllegalArgumentException("retention must be >= 0");
        if (retentionBytes < 0) throw new IllegalArgumentException("retentionBytes must be >= 0");
        if (session != null && session.isBlank()) throw new IllegalArgumentException("session must not be blank");
    }

    public static LocalOptions defaults() {
        return new LocalOptions(Path.of(System.getProperty("user.dir")), null, Map.of(), 0, Duration.ofSeconds(2), null,
                CrashPolicy.KEEP, DEFAULT_RETENTION, DEFAULT_RETENTION_BYTES);
    }

    public LocalOptions workDir(Path dir) {
        return new LocalOptions(dir, stateDir, env, logCapBytes, killGrace, session, onCrash, retention, retentionBytes);
    }

    public LocalOptions stateDir(Path dir) {
        return new LocalOptions(workDir, dir, env, logCapBytes, killGrace, session, onCrash, retention, retentionBytes);
    }

    public LocalOptions env(String key, String value) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(key, value);
        return new LocalOptions(workDir, stateDir, e, logCapBytes, killGrace, session, onCrash, retention, retentionBytes);
    }

    public LocalOptions logCapBytes(long cap) {
        return new LocalOptions(workDir, stateDir, env, cap, killGrace, session, onCrash, retention, retentionBytes);
    }

    public LocalOptions killGrace(Duration grace) {
        return new LocalOptions(workDir, stateDir, env, logCapBytes, grace, session, onCrash, retention, retentionBytes);
    }

    public LocalOptions session(String name) {
        return new LocalOptions(workDir, stateDir, env, logCapBytes, killGrace, name, onCrash, retention, retentionBytes);
    }

    public LocalOptions onCrash(CrashPolicy policy) {
        return new LocalOptions(workDir, stateDir, env, logCapBytes, killGrace, session, policy, retention, retentionBytes);
    }

    public LocalOptions retention(Duration age, long bytes) {
        return new LocalOptions(workDir, stateDir, env, logCapBytes, killGrace, session, onCrash, age, bytes);
    }
}
