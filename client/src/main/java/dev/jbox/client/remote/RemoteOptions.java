package dev.jbox.client.remote;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How the remote backend talks to an agent. Immutable.
 *
 * <pre>{@code
 * RemoteOptions o = RemoteOptions.defaults().reconnectFor(Duration.ofMinutes(2)).notices(System.err::println);
 * }</pre>
 *
 * @param keepalive     interval of keepalive events asked from the agent; a stream silent for 3x this is considered dead
 * @param reconnectFor  how long a dropped stream keeps retrying before giving up with an error
 * @param requestTimeout limit for unary calls
 * @param killOnClose   whether {@code close()} kills the processes this session started
 * @param headers       extra headers on every request (e.g. {@code E2b-Sandbox-Id})
 * @param notices       receives one-line notices about lost and restored connections
 */
public record RemoteOptions(Duration keepalive, Duration reconnectFor, Duration requestTimeout, boolean killOnClose,
                            Map<String, String> headers, Consumer<String> notices) {

    public RemoteOptions {
        headers = Map.copyOf(headers);
        if (keepalive.toMillis() < 1000) throw new IllegalArgumentException("keepalive must be >= 1 s (envd counts in seconds)");
    }

    public static RemoteOptions defaults() {
        return new RemoteOptions(Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(30), true, Map.of(),
                line -> System.err.println(line));
    }

    public RemoteOptions keepalive(Duration d) {
        return new RemoteOptions(d, reconnectFor, requestTimeout, killOnClose, headers, notices);
    }

    public RemoteOptions reconnectFor(Duration d) {
        return new RemoteOptions(keepalive, d, requestTimeout, killOnClose, headers, notices);
    }

    public RemoteOptions requestTimeout(Duration d) {
        return new RemoteOptions(keepalive, reconnectFor, d, killOnClose, headers, notices);
    }

    public RemoteOptions killOnClose(boolean kill) {
        return new RemoteOptions(keepalive, reconnectFor, requestTimeout, kill, headers, notices);
    }

    public RemoteOptions headers(Map<String, String> h) {
        return new RemoteOptions(keepalive, reconnectFor, requestTimeout, killOnClose, h, notices);
    }

    public RemoteOptions notices(Consumer<String> sink) {
        return new RemoteOptions(keepalive, reconnectFor, requestTimeout, killOnClose, headers, sink);
    }
}
