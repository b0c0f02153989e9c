package dev.jbox.client.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.Commands;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.envd.Protocol;

import java.util.Set;

/**
 * A sandbox reached over envd's process API: a {@code jbox agent} (full feature set: replay, ended processes,
 * log reads) or a stock envd (E2B, Novita), detected from the {@code /health} answer.
 *
 * <pre>{@code
 * try (Sandbox sb = RemoteSandbox.connect("http://127.0.0.1:49983", token, RemoteOptions.defaults())) {
 *     System.out.println(sb.commands().run("uname -a").stdout());
 * }
 * }</pre>
 */
public final class RemoteSandbox implements Sandbox {

    private final EnvdClient client;
    private final Set<String> features;
    private final RemoteCommands commands;
    private final Runnable onClose;
    private volatile boolean closed;

    RemoteSandbox(EnvdClient client, Runnable onClose) {
        this.client = client;
        this.onClose = onClose;
        this.features = client.health();
        this.commands = new RemoteCommands(this);
    }

    /** Connects to an agent or envd at {@code url}; fails with one clear line if it is unreachable or refuses the token. */
    public static RemoteSandbox connect(String url, String token, RemoteOptions options) {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new SandboxException("bad agent URL '" + url + "': expected http://host:port or https://...");
        }
        EnvdClient c = new EnvdClient(url, token, options);
        try {
            return new RemoteSandbox(c, () -> { });
        } catch (RuntimeException e) {
            c.shutdown();
            throw e;
        }
    }

    EnvdClient client() {
        return client;
    }

    ObjectMapper mapper() {
        return client.mapper;
    }

    /** True for a jbox agent: {@code Connect} replays from offsets. */
    public boolean canReplay() {
        return features.contains(Protocol.FEATURE_REPLAY) && features.contains(Protocol.FEATURE_READ_LOG);
    }

    boolean canListEnded() {
        return features.contains(Protocol.FEATURE_ENDED);
    }

    @Override
    public Commands commands() {
        if (closed) throw new SandboxException("the sandbox " + describe() + " is closed");
        return commands;
    }

    @Override
    public String describe() {
        return (canReplay() ? "agent " : "envd ") + client.baseUrl();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            for (RemoteCommandHandle h : commands.known()) {
                if (client.options().killOnClose() && commands.startedHere(h) && h.running()) {
                    try {
                        h.kill();
                    } catch (SandboxException ignored) {
                        // unreachable agent: nothing more we can do from here
                    }
                }
                h.stopWatching();
            }
        } finally {
            client.shutdown();
            onClose.run();
        }
    }
}
