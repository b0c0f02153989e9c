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
 * }</pre>
 *
 * @param workDir     default working directory of commands
 * @param stateDir    where process logs are written; null means a fresh temporary directory, deleted on close
 * @param env         environment added to every command (on top of this JVM's)
 * @param logCapBytes per stream: beyond it the oldest bytes are dropped (with a gap marker); 0 means no cap
 * @param killGrace   time between TERM and KILL
 */
public record LocalOptions(Path workDir, Path stateDir, Map<String, String> env, long logCapBytes, Duration killGrace) {

    public LocalOptions {
        env = Map.copyOf(env);
        if (logCapBytes < 0) throw new IllegalArgumentException("logCapBytes must be >= 0");
        if (killGrace == null || killGrace.isNegative()) throw new IllegalArgumentException("killGrace must be >= 0");
    }

    public static LocalOptions defaults() {
        return new LocalOptions(Path.of(System.getProperty("user.dir")), null, Map.of(), 0, Duration.ofSeconds(2));
    }

    public LocalOptions workDir(Path dir) {
        return new LocalOptions(dir, stateDir, env, logCapBytes, killGrace);
    }

    public LocalOptions stateDir(Path dir) {
        return new LocalOptions(workDir, dir, env, logCapBytes, killGrace);
    }

    public LocalOptions env(String key, String value) {
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(key, value);
        return new LocalOptions(workDir, stateDir, e, logCapBytes, killGrace);
    }

    public LocalOptions logCapBytes(long cap) {
        return new LocalOptions(workDir, stateDir, env, cap, killGrace);
    }

    public LocalOptions killGrace(Duration grace) {
        return new LocalOptions(workDir, stateDir, env, logCapBytes, grace);
    }
}
