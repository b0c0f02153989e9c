package dev.jbox.client.remote.hopx;

import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.hopx.HopxHttp.Answer;
import dev.jbox.client.remote.hopx.HopxWire.CreateSandbox;
import dev.jbox.client.remote.hopx.HopxWire.SandboxInfo;
import dev.jbox.client.remote.hopx.HopxWire.TokenRefreshed;

import java.time.Duration;

/**
 * HopX's control API, as the official SDK calls it ({@code X-API-Key}): create, get, resume, refresh the agent
 * token, delete.
 */
final class HopxControlApi {

    /** Creating a sandbox boots a VM: it may take longer than an ordinary call. */
    private static final Duration CREATE_DEADLINE = Duration.ofMinutes(2);

    private final HopxHttp http;
    private final String baseUrl;
    private final String apiKey;
    private final Duration deadline;

    HopxControlApi(HopxHttp http, String baseUrl, String apiKey, Duration deadline) {
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
        this.deadline = deadline;
    }

    String baseUrl() {
        return baseUrl;
    }

    SandboxInfo create(String template, long timeoutSeconds) {
        Answer a = call("POST", "/v1/sandboxes", new CreateSandbox(template, null, timeoutSeconds),
                CREATE_DEADLINE.compareTo(deadline) > 0 ? CREATE_DEADLINE : deadline);
        if (!a.ok()) throw failure("creating a sandbox (template " + template + ")", a);
        SandboxInfo s = http.parse(a, SandboxInfo.class, "creating a sandbox at " + baseUrl);
        if (s.anyId() == null) throw new SandboxException("the HopX control API at " + baseUrl + " created a sandbox but answered no sandbox_id");
        return s;
    }

    SandboxInfo info(String id) {
        Answer a = call("GET", "/v1/sandboxes/" + id, null, deadline);
        if (a.status() == 404) throw new SandboxException("no HopX sandbox '" + id + "' at " + baseUrl + " (it ended, or belongs to another account)");
        if (!a.ok()) throw failure("getting sandbox " + id, a);
        return http.parse(a, SandboxInfo.class, "getting sandbox " + id + " at " + baseUrl);
    }

    void resume(String id) {
        Answer a = call("POST", "/v1/sandboxes/" + id + "/resume", null, deadline);
        if (!a.ok()) throw failure("resuming sandbox " + id, a);
    }

    TokenRefreshed refreshToken(String id) {
        Answer a = call("POST", "/v1/sandboxes/" + id + "/token/refresh", null, deadline);
        if (a.status() == 404) throw new SandboxException("no HopX sandbox '" + id + "' at " + baseUrl + " to refresh the token of (it ended?)");
        if (!a.ok()) throw failure("refreshing the agent token of sandbox " + id, a);
        TokenRefreshed t = http.parse(a, TokenRefreshed.class, "refreshing the agent token of sandbox " + id);
        if (t.authToken() == null || t.authToken().isBlank()) {
            throw new SandboxException("the HopX control API at " + baseUrl + " refreshed the token of sandbox " + id + " but answered no auth_token");
        }
        return t;
    }

    /** Deletes the sandbox; an already deleted one is fine. */
    void delete(String id) {
        Answer a = call("DELETE", "/v1/sandboxes/" + id, null, deadline);
        if (!a.ok() && a.status() != 404) throw failure("deleting sandbox " + id, a);
    }

    private Answer call(String method, String path, Object body, Duration d) {
        return http.call("the HopX control API at " + baseUrl, method, baseUrl + path, body, d, "X-API-Key", apiKey);
    }

    private SandboxException failure(String what, Answer a) {
        if (a.status() == 401 || a.status() == 403) {
            return new SandboxException("the HopX control API at " + baseUrl + " refused the API key while " + what + " (HTTP "
                    + a.status() + ": " + a.message(http.mapper) + ")");
        }
        return new SandboxException("HopX control API at " + baseUrl + ": " + what + " failed: HTTP " + a.status() + ": " + a.message(http.mapper));
    }
}
