package dev.jbox.client;

import dev.jbox.client.local.LocalSandbox;

/**
 * A place where shell commands run: this machine ({@link #local()}), a remote envd-compatible agent, or a HopX sandbox.
 *
 * <pre>{@code
 * try (Sandbox sb = Sandbox.local()) {
 *     CommandHandle h = sb.commands().start("python3 -m http.server 8000", RunOptions.background().name("web"));
 *     h.subscribe(chunk -> System.out.print(chunk.text()));
 *     System.out.println(sb.commands().run("curl -s localhost:8000 | head -3").stdout());
 *     h.kill();
 * }
 * }</pre>
 *
 * Closing a sandbox kills every process tree it still runs (for remote backends: the ones it started,
 * unless they were started to outlive the session).
 */
public interface Sandbox extends AutoCloseable {

    /** The embedded default: processes run on this machine, in this JVM's control. */
    static Sandbox local() {
        return new LocalSandbox(LocalOptions.defaults());
    }

    /** A local sandbox with explicit working directory, state directory, environment and log cap. */
    static Sandbox local(LocalOptions options) {
        return new LocalSandbox(options);
    }

    /**
     * A {@code jbox agent} (or any envd-compatible endpoint) at {@code url}, e.g. {@code http://127.0.0.1:49983}.
     * Streams survive dropped connections; against a jbox agent nothing is lost.
     */
    static Sandbox connect(String url, String token) {
        return dev.jbox.client.remote.RemoteSandbox.connect(url, token, dev.jbox.client.remote.RemoteOptions.defaults());
    }

    /** A new cloud sandbox of an E2B-compatible provider (E2B, Novita); killed on close unless told to keep it. */
    static Sandbox e2b(dev.jbox.client.remote.E2bOptions options) {
        return dev.jbox.client.remote.E2bSandboxes.create(options);
    }

    /**
     * A new HopX sandbox (or a running one, with {@code sandboxId}); deleted on close unless told to keep it. Every
     * byte its commands write is kept in files in the sandbox and read from there: nothing is lost while it lives.
     */
    static Sandbox hopx(dev.jbox.client.remote.hopx.HopxOptions options) {
        return dev.jbox.client.remote.hopx.HopxSandbox.open(options);
    }

    /** Starting, listing and controlling commands. */
    Commands commands();

    /** Short human description, e.g. {@code local (/home/me)} or {@code agent http://127.0.0.1:49983}. */
    String describe();

    /** Kills what this sandbox still runs and releases its resources. Idempotent. */
    @Override
    void close();
}
