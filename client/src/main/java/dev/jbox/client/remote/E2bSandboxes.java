package dev.jbox.client.remote;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.envd.Protocol;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Creates and kills sandboxes through the E2B control API ({@code POST /v2/sandboxes}, falling back to the older
 * {@code POST /sandboxes}; {@code DELETE /sandboxes/{id}}; header {@code X-API-KEY}), or connects to a running one
 * ({@code POST /v2/sandboxes/{id}/connect}, falling back to {@code POST /sandboxes/{id}/connect}), then connects to
 * the sandbox's envd with the access token the API returns.
 */
public final class E2bSandboxes {

    private E2bSandboxes() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NewSandbox(String templateID, long timeout, boolean secure, Map<String, String> metadata) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record NewSandboxV2(String templateID, long timeout, Map<String, String> metadata) {
    }

    /** Body of the connect call: the sandbox's timeout is extended to this many seconds from now. */
    record Connect(long timeout) {
    }

    private record Answer(int status, String body) {
    }

    private static Answer post(OkHttpClient http, ObjectMapper mapper, String url, String key, Object body) throws IOException {
        Request req = new Request.Builder().url(url).header("X-API-KEY", key)
                .post(RequestBody.create(mapper.writeValueAsBytes(body), MediaType.get(Protocol.JSON))).build();
        try (Response res = http.newCall(req).execute()) {
            ResponseBody rb = res.body();
            return new Answer(res.code(), rb == null ? "" : rb.string());
        }
    }

    /** The subset of the API's Sandbox answer we use. */
    record Created(String sandboxID, String templateID, String envdVersion, String envdAccessToken, String domain) {
    }

    public static RemoteSandbox create(E2bOptions o) {
        if (o.apiKey() == null || o.apiKey().isBlank()) {
            throw new SandboxException("no E2B API key: set E2B_API_KEY or pass E2bOptions.apiKey(...)");
        }
        ObjectMapper mapper = Protocol.mapper();
        OkHttpClient http = new OkHttpClient.Builder().callTimeout(60, TimeUnit.SECONDS).build();
        String api = o.resolvedApiUrl();
        Created c;
        boolean attach = o.sandboxId() != null && !o.sandboxId().isBlank();
        try {
            long seconds = Math.max(1, o.timeout().toSeconds());
            Answer a;
            if (attach) {
                // POST /v2/sandboxes/{id}/connect (older providers: /sandboxes/{id}/connect) answers the running
                // sandbox's details and access token; a paused one is resumed; the timeout is only extended.
                String id = o.sandboxId().strip();
                a = post(http, mapper, api + "/v2/sandboxes/" + id + "/connect", o.apiKey(), new Connect(seconds));
                if (a.status() == 404 || a.status() == 405) { // an unknown sandbox, or a provider without the v2 call
                    a = post(http, mapper, api + "/sandboxes/" + id + "/connect", o.apiKey(), new Connect(seconds));
                }
                if (a.status() == 404) throw new SandboxException("no sandbox '" + id + "' at " + api + " (ended, or another account's)");
            } else {
                Map<String, String> metadata = Map.of("createdBy", "jbox");
                // POST /v2/sandboxes is the current call (always secured); POST /sandboxes the older one that
                // compatible providers may still be limited to.
                a = post(http, mapper, api + "/v2/sandboxes", o.apiKey(), new NewSandboxV2(o.template(), seconds, metadata));
                if (a.status() == 404 || a.status() == 405) {
                    a = post(http, mapper, api + "/sandboxes", o.apiKey(), new NewSandbox(o.template(), seconds, true, metadata));
                }
            }
            if (a.status() < 200 || a.status() > 299) {
                throw new SandboxException((attach ? "connecting to sandbox " + o.sandboxId().strip() : "creating a sandbox") + " at " + api
                        + " failed: HTTP " + a.status() + " " + apiMessage(mapper, a.body()));
            }
            c = mapper.readValue(a.body(), Created.class);
        } catch (IOException e) {
            throw new SandboxException("cannot reach the sandbox control API at " + api + ": " + EnvdClient.describe(e), e);
        }
        if (c.sandboxID() == null) throw new SandboxException("the control API at " + api + " answered without a sandboxID");
        String domain = c.domain() != null && !c.domain().isBlank() ? c.domain() : o.domain();
        String envdUrl = o.sandboxUrl() != null ? o.sandboxUrl() : "https://" + Protocol.ENVD_PORT + "-" + c.sandboxID() + "." + domain;
        Map<String, String> headers = new HashMap<>(o.remote().headers());
        headers.put("E2b-Sandbox-Id", c.sandboxID());
        headers.put("E2b-Sandbox-Port", String.valueOf(Protocol.ENVD_PORT));
        // A sandbox this session attached to belongs to whoever created it: closing leaves it running.
        Runnable kill = o.keep() || attach ? () -> { } : () -> delete(http, api, o.apiKey(), c.sandboxID());
        EnvdClient client = new EnvdClient(envdUrl, c.envdAccessToken(), o.remote().headers(headers));
        try {
            return new RemoteSandbox(client, kill);
        } catch (RuntimeException e) {
            client.shutdown();
            kill.run();
            throw e;
        }
    }

    private static void delete(OkHttpClient http, String api, String key, String id) {
        Request req = new Request.Builder().url(api + "/sandboxes/" + id).header("X-API-KEY", key).delete().build();
        try (Response res = http.newCall(req).execute()) {
            if (!res.isSuccessful() && res.code() != 404) {
                throw new SandboxException("killing sandbox " + id + " at " + api + " failed: HTTP " + res.code());
            }
        } catch (IOException e) {
            throw new SandboxException("cannot reach " + api + " to kill sandbox " + id + ": " + EnvdClient.describe(e), e);
        }
    }

    private static String apiMessage(ObjectMapper mapper, String text) {
        try {
            var n = mapper.readTree(text);
            if (n != null && n.hasNonNull("message")) return n.get("message").asText();
        } catch (IOException ignored) {
            // not JSON
        }
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}
