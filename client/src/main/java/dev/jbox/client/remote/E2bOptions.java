package dev.jbox.client.remote;

import java.time.Duration;
import java.util.Map;

/**
 * How to create a cloud sandbox with an E2B-compatible control API. Immutable.
 *
 * <pre>{@code
 * Sandbox sb = Sandbox.e2b(E2bOptions.fromEnv().template("base").timeout(Duration.ofMinutes(30)));
 * Sandbox nv = Sandbox.e2b(E2bOptions.fromEnv().domain("sandbox.novita.ai"));   // Novita
 * Sandbox again = Sandbox.e2b(E2bOptions.fromEnv().sandboxId("i7x2k9q"));        // one that is running already
 * }</pre>
 *
 * @param apiKey     the provider's API key (sent as {@code X-API-KEY}); {@code E2B_API_KEY} by default
 * @param domain     provider domain: control API at {@code https://api.<domain>}, envd at {@code https://49983-<id>.<domain>}
 * @param template   template to start
 * @param timeout    the provider kills the sandbox after this long
 * @param keep       if true, {@code close()} leaves the sandbox running
 * @param apiUrl     overrides the control API URL (null: derived from the domain)
 * @param sandboxUrl overrides the envd URL (null: derived from the sandbox id and domain)
 * @param remote     options of the envd connection
 * @param sandboxId  connect to this running (or paused) sandbox instead of creating one; {@code close()} then leaves
 *                   it running, as it belongs to whoever created it (null: create one)
 */
public record E2bOptions(String apiKey, String domain, String template, Duration timeout, boolean keep,
                         String apiUrl, String sandboxUrl, RemoteOptions remote, String sandboxId) {

    public static final String DEFAULT_DOMAIN = "e2b.app";

    /** API key from {@code E2B_API_KEY}, domain from {@code E2B_DOMAIN} (default e2b.app), template "base", 5 minutes. */
    public static E2bOptions fromEnv() {
        return fromEnv(System.getenv());
    }

    /**
     * The same from {@code env}; also {@code E2B_API_URL} and {@code E2B_SANDBOX_URL} (the E2B SDK's own override of
     * the envd URL, e.g. for a local stand-in).
     */
    public static E2bOptions fromEnv(Map<String, String> env) {
        String domain = env.get("E2B_DOMAIN");
        String sandboxUrl = env.get("E2B_SANDBOX_URL");
        return new E2bOptions(env.get("E2B_API_KEY"), domain == null || domain.isBlank() ? DEFAULT_DOMAIN : domain, "base",
                Duration.ofMinutes(5), false, env.get("E2B_API_URL"), sandboxUrl == null || sandboxUrl.isBlank() ? null : sandboxUrl,
                RemoteOptions.defaults(), null);
    }

    public E2bOptions apiKey(String k) {
        return new E2bOptions(k, domain, template, timeout, keep, apiUrl, sandboxUrl, remote, sandboxId);
    }

    public E2bOptions domain(String d) {
        return new E2bOptions(apiKey, d, template, timeout, keep, apiUrl, sandboxUrl, remote, sandboxId);
    }

    public E2bOptions template(String t) {
        return new E2bOptions(apiKey, domain, t, timeout, keep, apiUrl, sandboxUrl, remote, sandboxId);
    }

    public E2bOptions timeout(Duration t) {
        return new E2bOptions(apiKey, domain, template, t, keep, apiUrl, sandboxUrl, remote, sandboxId);
    }

    public E2bOptions keep(boolean k) {
        return new E2bOptions(apiKey, domain, template, timeout, k, apiUrl, sandboxUrl, remote, sandboxId);
    }

    public E2bOptions apiUrl(String u) {
        return new E2bOptions(apiKey, domain, template, timeout, keep, u, sandboxUrl, remote, sandboxId);
    }

    public E2bOptions sandboxUrl(String u) {
        return new E2bOptions(apiKey, domain, template, timeout, keep, apiUrl, u, remote, sandboxId);
    }

    public E2bOptions remote(RemoteOptions r) {
        return new E2bOptions(apiKey, domain, template, timeout, keep, apiUrl, sandboxUrl, r, sandboxId);
    }

    public E2bOptions sandboxId(String id) {
        return new E2bOptions(apiKey, domain, template, timeout, keep, apiUrl, sandboxUrl, remote, id);
    }

    String resolvedApiUrl() {
        return apiUrl != null && !apiUrl.isBlank() ? apiUrl : "https://api." + domain;
    }
}
