package dev.jbox.client;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a command. Immutable: every method returns a new value.
 *
 * <pre>{@code
 * RunOptions opts = RunOptions.background().env("PORT", "8000").cwd("/srv/app").timeout(Duration.ofHours(1)).name("web");
 * }</pre>
 */
public record RunOptions(
        Map<String, String> env,
        String cwd,
        Duration timeout,
        String name,
        boolean stdin,
        List<String> argv,
        String tag) {

    public RunOptions {
        env = Map.copyOf(env);
        argv = argv == null ? null : List.copyOf(argv);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (name != null && !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("bad name '" + name + "': use letters, digits, '.', '_' or '-' (at most 64)");
        }
        if (argv != null && argv.isEmpty()) throw new IllegalArgumentException("argv must not be empty");
    }

    /** Defaults: inherited environment, sandbox working directory, no timeout, no stdin. */
    public static RunOptions background() {
        return new RunOptions(Map.of(), null, null, null, false, null, null);
    }

    public RunOptions env(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty() || key.contains("=")) throw new IllegalArgumentException("bad environment variable name '" + key + "'");
        Map<String, String> e = new LinkedHashMap<>(env);
        e.put(key, value);
        return new RunOptions(e, cwd, timeout, name, stdin, argv, tag);
    }

    public RunOptions envs(Map<String, String> more) {
        RunOptions o = this;
        for (Map.Entry<String, String> kv : more.entrySet()) o = o.env(kv.getKey(), kv.getValue());
        return o;
    }

    public RunOptions cwd(String dir) {
        return new RunOptions(env, dir, timeout, name, stdin, argv, tag);
    }

    public RunOptions timeout(Duration t) {
        return new RunOptions(env, cwd, t, name, stdin, argv, tag);
    }

    public RunOptions name(String n) {
        return new RunOptions(env, cwd, timeout, n, stdin, argv, tag);
    }

    /** Keep the process's stdin open so that {@link CommandHandle#sendStdin} works. */
    public RunOptions stdin(boolean open) {
        return new RunOptions(env, cwd, timeout, name, open, argv, tag);
    }

    /** Run this program with these arguments directly, without a shell; the command string is then only a label. */
    public RunOptions argv(List<String> programAndArgs) {
        return new RunOptions(env, cwd, timeout, name, stdin, programAndArgs, tag);
    }

    /** A free label kept with the process (envd calls it a tag); the kernel uses it to find its own processes. */
    public RunOptions tag(String t) {
        return new RunOptions(env, cwd, timeout, name, stdin, argv, t);
    }
}
