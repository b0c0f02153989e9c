package dev.jbox.client.remote;

import java.time.Duration;

/**
 * How to create a cloud sandbox with an E2B-compatible control API. Immutable.
 *
 * <pre>{@code
 * Sandbox sb = Sandbox.e2b(E2bOptions.fromEnv().template("base").timeout(Duration.ofMinutes(30)));
 * Sandbox nv = Sandbox.e2b(E2bOptions.fromEnv().domain("sandbox.novita.ai"));   // Novita
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
 */
public record E2bOptions(String apiKey, String domain, String template, Duration timeout, boolean keep,
                         String apiUrl, String sandboxUrl, RemoteOptions remote) {

    public static final String DEFAULT_DOMAIN = "e2b.app";

    /** API key from {@code E2B_API_KEY}, domain from {@code E2B_DOMAIN} (default e2b.app), template "base", 5 minutes. */
    public static E2bOptions fromEnv() {
        String domain = System.getenv("E2B_DOMAIN");
        return new E2bOptions(System.getenv("E2B_API_KEY"), domain == null || domain.isBlank() ? DEFAULT_DOMAIN : domain, "base",
                Duration.ofMinutes(5), false, System.getenv("E2B_API_URL"), null, RemoteOptions.defaults());
    }

    public E2bOptions apiKey(String k) {
        return new E2bOptions(k, domain, template, timeout, keep, apiUrl, sandboxUrl, remote);
    }

    public E2bOptions domain(String d) {
        return new E2bOptions(apiKey, d, template, timeout, keep, apiUrl, sandboxUrl, remote);
    }

    public E2bOptions template(String t) {
        return new E2bOptions(apiKey, domain, t, timeout, keep, apiUrl, sandboxUrl, remote);
    }

    public E2bOptions timeout(Duration t) {
        return new E2bOptions(apiKey, domain, template, t, keep, apiUrl, sandboxUrl, remote);
    }

    public E2bOptions keep(boolean k) {
        return new E2bOptions(apiKey, domain, template, timeout, k, apiUrl, sandboxUrl, remote);
    }

    public E2bOptions apiUrl(String u) {
        return new E2bOptions(apiKey, domain, template, timeout, keep, u, sandboxUrl, remote);
    }

    public E2bOptions sandboxUrl(String u) {
        return new E2bOptions(apiKey, domain, template, timeout, keep, apiUrl, u, remote);
    }

    public E2bOptions remote(RemoteOptions r) {
        return new E2bOptions(apiKey, domain, template, timeout, keep, apiUrl, sandboxUrl, r);
    }

    String resolvedApiUrl() {
        return apiUrl != null && !apiUrl.isBlank() ? apiUrl : "https://api." + domain;
    }
}
