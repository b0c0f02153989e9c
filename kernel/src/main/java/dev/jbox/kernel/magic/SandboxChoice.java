package dev.jbox.kernel.magic;

import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.E2bOptions;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;
import dev.jbox.client.remote.hopx.HopxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which sandbox a kernel session runs its commands in: this machine, a {@code jbox agent} (or any envd), an
 * E2B-compatible cloud sandbox, or a HopX sandbox. Chosen at startup by {@code JBOX_SANDBOX} and switched by
 * {@code %sandbox}.
 *
 * <pre>{@code
 * SandboxChoice c = SandboxChoice.fromEnv(Map.of("JBOX_SANDBOX", "http://127.0.0.1:49983", "JBOX_SANDBOX_TOKEN", t));
 * Sandbox sb = c.open(System.err::println);
 * }</pre>
 *
 * <p>What closing the session does differs on purpose: a local sandbox kills its processes (nothing outlives a
 * kernel that shut down cleanly; after a crash its processes follow {@code JBOX_ON_CRASH} and the replacement
 * kernel adopts them); an agent keeps them, so that after a kernel restart {@code %ps}, {@code %logs} and
 * {@code %wait} find them again; an E2B or HopX sandbox the session created is deleted unless {@code keep} is set,
 * and one it connected to by id is left running.
 *
 * @param kind  local, connect, e2b or hopx
 * @param url   the agent's URL (connect only)
 * @param token the agent's access token (connect only; never shown)
 * @param e2b   the provider options (e2b only)
 * @param hopx  the HopX options (hopx only)
 */
public record SandboxChoice(Kind kind, String url, String token, E2bOptions e2b, HopxOptions hopx) {

    /** The backends. */
    public enum Kind { LOCAL, CONNECT, E2B, HOPX }

    public static final String ENV = "JBOX_SANDBOX";
    public static final String ENV_TOKEN = "JBOX_SANDBOX_TOKEN";
    public static final String ENV_TOKEN_FILE = "JBOX_SANDBOX_TOKEN_FILE";

    public static SandboxChoice local() {
        return new SandboxChoice(Kind.LOCAL, null, null, null, null);
    }

    public static SandboxChoice connect(String url, String token) {
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("bad agent URL '" + url + "': expected http://host:port or https://...");
        }
        return new SandboxChoice(Kind.CONNECT, url, token, null, null);
    }

    public static SandboxChoice e2b(E2bOptions options) {
        return new SandboxChoice(Kind.E2B, null, null, options, null);
    }

    public static SandboxChoice hopx(HopxOptions options) {
        return new SandboxChoice(Kind.HOPX, null, null, null, options);
    }

    /**
     * From the kernel's environment: {@code JBOX_SANDBOX} is {@code local} (or unset), an agent URL (token from
     * {@code JBOX_SANDBOX_TOKEN} or the file named by {@code JBOX_SANDBOX_TOKEN_FILE}), {@code e2b} (a new cloud
     * sandbox; the provider settings from {@code E2B_API_KEY}, {@code E2B_DOMAIN}, see {@link E2bOptions#fromEnv()}),
     * {@code e2b:ID} (the running cloud sandbox ID), {@code hopx} (a new HopX sandbox; {@code HOPX_API_KEY},
     * {@code HOPX_BASE_URL}, see {@link HopxOptions#fromEnv()}) or {@code hopx:ID}.
     *
     * @throws IllegalArgumentException with one line saying what is wrong
     */
    public static SandboxChoice fromEnv(Map<String, String> env) {
        String value = env.get(ENV);
        if (value == null || value.isBlank() || value.strip().equals("local")) return local();
        value = value.strip();
        if (value.equals("e2b")) return e2b(E2bOptions.fromEnv(env));
        if (value.startsWith("e2b:") && value.length() > 4) return e2b(E2bOptions.fromEnv(env).sandboxId(value.substring(4).strip()));
        if (value.equals("hopx")) return hopx(HopxOptions.fromEnv(env));
        if (value.startsWith("hopx:") && value.length() > 5) return hopx(HopxOptions.fromEnv(env).sandboxId(value.substring(5).strip()));
        if (value.startsWith("connect ")) value = value.substring("connect ".length()).strip();
        if (value.startsWith("http://") || value.startsWith("https://")) {
            return connect(value, token(env.get(ENV_TOKEN), env.get(ENV_TOKEN_FILE), ENV_TOKEN_FILE));
        }
        throw new IllegalArgumentException(ENV + "='" + value + "' is not local, e2b, hopx or an agent URL (http://host:port)");
    }

    /** The token given directly, else read from {@code file} (trimmed), else null. */
    static String token(String token, String file, String fileOption) {
        if (token != null && !token.isBlank()) return token.strip();
        if (file == null || file.isBlank()) return null;
        if (file.startsWith("~/")) file = System.getProperty("user.home") + file.substring(1);
        try {
            String t = Files.readString(Path.of(file)).strip();
            if (t.isEmpty()) throw new IllegalArgumentException(fileOption + " " + file + " is empty");
            return t;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + fileOption + " " + file + ": " + e.getMessage());
        }
    }

    /** Opens the sandbox; {@code notices} gets the one-line notices of a remote connection (lost, restored). */
    public Sandbox open(Consumer<String> notices) {
        return open(notices, LocalOptions.defaults());
    }

    /** Same as {@link #open(Consumer)}, a local sandbox with {@code local} (session, crash policy, retention). */
    public Sandbox open(Consumer<String> notices, LocalOptions local) {
        return switch (kind) {
            case LOCAL -> Sandbox.local(local);
            case CONNECT -> RemoteSandbox.connect(url, token, remoteOptions(RemoteOptions.defaults(), notices));
            case E2B -> {
                if (e2b.apiKey() == null || e2b.apiKey().isBlank()) {
                    throw new SandboxException("no E2B API key: set E2B_API_KEY in the kernel's environment");
                }
                yield Sandbox.e2b(e2b.remote(remoteOptions(e2b.remote(), notices)));
            }
            case HOPX -> {
                if (hopx.apiKey() == null || hopx.apiKey().isBlank()) {
                    throw new SandboxException("no HopX API key: set HOPX_API_KEY in the kernel's environment");
                }
                yield Sandbox.hopx(hopx.notices(notices));
            }
        };
    }

    private static RemoteOptions remoteOptions(RemoteOptions base, Consumer<String> notices) {
        // The agent keeps the session's processes when the kernel goes: a restarted kernel finds them again.
        return base.killOnClose(false).notices(notices);
    }

    /** Whether closing the sandbox ends the processes it runs. */
    public boolean killsOnClose() {
        return kind == Kind.LOCAL || (kind == Kind.E2B && !e2b.keep() && e2b.sandboxId() == null)
                || (kind == Kind.HOPX && !hopx.keep() && !hopx.attaches());
    }

    /** One line for the user, without secrets. */
    public String describe() {
        return switch (kind) {
            case LOCAL -> "local";
            case CONNECT -> "agent " + url + (token == null ? " (no token)" : "");
            case E2B -> e2b.sandboxId() != null
                    ? "e2b sandbox " + e2b.sandboxId() + " (domain " + e2b.domain() + ", kept after the session)"
                    : "e2b (domain " + e2b.domain() + ", template " + e2b.template() + ", timeout "
                    + Durations.format(e2b.timeout()) + (e2b.keep() ? ", kept after the session" : "") + ")";
            case HOPX -> hopx.attaches()
                    ? "hopx sandbox " + hopx.sandboxId() + " (" + hopx.baseUrl() + ", kept after the session)"
                    : "hopx (" + hopx.baseUrl() + ", template " + hopx.template() + ", timeout " + Durations.format(hopx.timeout())
                    + (hopx.keep() ? ", kept after the session" : "") + ")";
        };
    }

    /** E2B options with the given overrides (null: keep the default). */
    static E2bOptions e2bOptions(E2bOptions base, String template, String domain, Duration timeout, boolean keep, String id) {
        E2bOptions o = id == null ? base : base.sandboxId(id);
        if (template != null) o = o.template(template);
        if (domain != null) o = o.domain(domain);
        if (timeout != null) o = o.timeout(timeout);
        return o.keep(keep || o.keep());
    }

    /** HopX options with the given overrides (null: keep the default). */
    static HopxOptions hopxOptions(HopxOptions base, String template, String baseUrl, Duration timeout, boolean keep, String id) {
        HopxOptions o = id == null ? base : base.sandboxId(id);
        if (template != null) o = o.template(template);
        if (baseUrl != null) o = o.baseUrl(baseUrl);
        if (timeout != null) o = o.timeout(timeout);
        return o.keep(keep || o.keep());
    }

    @Override
    public String toString() {
        return "SandboxChoice[" + describe() + "]"; // the record's default would print the token
    }
}
