package dev.jbox.client.remote.hopx;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How to create (or reach) a HopX sandbox. Immutable.
 *
 * <pre>{@code
 * Sandbox sb = Sandbox.hopx(HopxOptions.fromEnv().template("code-interpreter").timeout(Duration.ofMinutes(30)));
 * Sandbox again = Sandbox.hopx(HopxOptions.fromEnv().sandboxId("1761048129dsaqav4n"));   // one that is running already
 * }</pre>
 *
 * @param apiKey         the HopX API key (sent as {@code X-API-Key}); {@code HOPX_API_KEY} by default
 * @param baseUrl        the control API, {@value #DEFAULT_BASE_URL} unless {@code HOPX_BASE_URL} says otherwise
 * @param template       template of a new sandbox (by name)
 * @param timeout        HopX ends a new sandbox after this long
 * @param keep           if true, {@code close()} leaves a sandbox it created running
 * @param sandboxId      connect to this running (or paused) sandbox instead of creating one; {@code close()} then
 *                       leaves it running, as it belongs to whoever created it (null: create one)
 * @param requestTimeout deadline of every call that does not wait on purpose (a long poll waits at most
 *                       {@code pollWait} more)
 * @param pollWait       how long one poll for output waits in the sandbox for something to happen
 * @param reconnectFor   how long output polling retries an unreachable agent before it gives up with an error
 * @param logRoot        directory in the sandbox that holds the logs of the commands jbox starts (one per sandbox)
 * @param notices        receives one-line notices (connection lost and restored, output that may be incomplete)
 */
public record HopxOptions(String apiKey, String baseUrl, String template, Duration timeout, boolean keep, String sandboxId,
                          Duration requestTimeout, Duration pollWait, Duration reconnectFor, String logRoot,
                          Consumer<String> notices) {

    public static final String DEFAULT_BASE_URL = "https://api.hopx.dev";
    public static final String DEFAULT_TEMPLATE = "code-interpreter";
    public static final String DEFAULT_LOG_ROOT = "/tmp/jbox-hopx";

    public HopxOptions {
        if (requestTimeout == null || requestTimeout.toMillis() < 100) throw new IllegalArgumentException("requestTimeout must be >= 100 ms");
        if (pollWait == null || pollWait.isNegative() || pollWait.toSeconds() > 300) {
            throw new IllegalArgumentException("pollWait must be between 0 and 300 s");
        }
        if (timeout == null || timeout.toSeconds() < 1) throw new IllegalArgumentException("timeout must be >= 1 s");
        if (logRoot == null || !logRoot.startsWith("/")) throw new IllegalArgumentException("logRoot must be an absolute path, got '" + logRoot + "'");
    }

    /** From this process's environment: {@code HOPX_API_KEY}, {@code HOPX_BASE_URL}. */
    public static HopxOptions fromEnv() {
        return fromEnv(System.getenv());
    }

    /** Template {@value #DEFAULT_TEMPLATE}, sandbox timeout 1 h, 30 s per call, polls of 10 s. */
    public static HopxOptions fromEnv(Map<String, String> env) {
        String base = env.get("HOPX_BASE_URL");
        return new HopxOptions(env.get("HOPX_API_KEY"), base == null || base.isBlank() ? DEFAULT_BASE_URL : base.strip(),
                DEFAULT_TEMPLATE, Duration.ofHours(1), false, null, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(30), DEFAULT_LOG_ROOT, line -> System.err.println(line));
    }

    public HopxOptions apiKey(String k) {
        return new HopxOptions(k, baseUrl, template, timeout, keep, sandboxId, requestTimeout, pollWait, reconnectFor, logRoot, notices);
    }

    public HopxOptions baseUrl(String u) {
        return new HopxOptions(apiKey, u, template, timeout, keep, sandboxId, requestTimeout, pollWait, reconnectFor, logRoot, notices);
    }

    public HopxOptions template(String t) {
        return new HopxOptions(apiKey, baseUrl, t, timeout, keep, sandboxId, requestTimeout, pollWait, reconnectFor, logRoot, notices);
    }

    public HopxOptions timeout(Duration t) {
        return new HopxOptions(apiKey, baseUrl, template, t, keep, sandboxId, requestTimeout, pollWait, reconnectFor, logRoot, notices);
    }

    public HopxOptions keep(boolean k) {
        return new HopxOptions(apiKey, baseUrl, template, timeout, k, sandboxId, requestTimeout, pollWait, reconnectFor, logRoot, notices);
    }

    public HopxOptions sandboxId(String id) {
        return new HopxOptions(apiKey, baseUrl, template, timeout, keep, id, requestTimeout, pollWait, reconnectFor, logRoot, notices);
    }

    public HopxOptions requestTimeout(Duration d) {
        return new HopxOptions(apiKey, baseUrl, template, timeout, keep, sandboxId, d, pollWait, reconnectFor, logRoot, notices);
    }

    public HopxOptions pollWait(Duration d) {
        return new HopxOptions(apiKey, baseUrl, template, timeout, keep, sandboxId, requestTimeout, d, reconnectFor, logRoot, notices);
    }

    public HopxOptions reconnectFor(Duration d) {
        return new HopxOptions(apiKey, baseUrl, template, timeout, keep, sandboxId, requestTimeout, pollWait, d, logRoot, notices);
    }

    public HopxOptions logRoot(String dir) {
        return new HopxOptions(apiKey, baseUrl, template, timeout, keep, sandboxId, requestTimeout, pollWait, reconnectFor, dir, notices);
    }

    public HopxOptions notices(Consumer<String> sink) {
        return new HopxOptions(apiKey, baseUrl, template, timeout, keep, sandboxId, requestTimeout, pollWait, reconnectFor, logRoot, sink);
    }

    @Override
    public String toString() { // the record's default would print the API key
        return "HopxOptions[baseUrl=" + baseUrl + ", template=" + template + ", timeout=" + timeout + ", keep=" + keep + ", sandboxId="
                + sandboxId + ", apiKey=" + (apiKey == null || apiKey.isBlank() ? "none" : "set") + "]";
    }

    /** True when this connects to a running sandbox rather than creating one. */
    public boolean attaches() {
        return sandboxId != null && !sandboxId.isBlank();
    }
}
