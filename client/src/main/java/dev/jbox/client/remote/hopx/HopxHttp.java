package dev.jbox.client.remote.hopx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.SandboxException;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * JSON over HTTP with a deadline on every call, for both HopX APIs. A failure is one {@link SandboxException} line
 * naming the peer, the call and the reason.
 */
final class HopxHttp {

    private static final MediaType JSON = MediaType.get("application/json");

    /** An HTTP answer: status and body. */
    record Answer(int status, byte[] body) {

        boolean ok() {
            return status >= 200 && status <= 299;
        }

        /** The error line of a HopX answer ({@code message}, else {@code error}), else the start of the body. */
        String message(ObjectMapper mapper) {
            try {
                JsonNode n = mapper.readTree(body);
                if (n != null && n.hasNonNull("message") && !n.get("message").asText().isBlank()) return n.get("message").asText();
                if (n != null && n.hasNonNull("error") && n.get("error").isTextual()) return n.get("error").asText();
            } catch (IOException ignored) {
                // not JSON
            }
            String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
            return text.length() > 200 ? text.substring(0, 200) + "…" : text;
        }
    }

    final ObjectMapper mapper = HopxWire.mapper();
    private final OkHttpClient http;

    HopxHttp() {
        // Reads may wait as long as a long poll; every call gets its own deadline instead (Call.timeout()).
        this.http = new OkHttpClient.Builder()
                .connectTimeout(10, TimeUnit.SECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .writeTimeout(30, TimeUnit.SECONDS)
                .retryOnConnectionFailure(false)
                .build();
    }

    /**
     * One call. {@code peer} names the other side in errors ("the HopX agent at http://..."); {@code body} is
     * serialized as JSON (null: no body); {@code headers} alternate names and values.
     */
    Answer call(String peer, String method, String url, Object body, Duration deadline, String... headers) {
        Request.Builder b = new Request.Builder().url(url);
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            RequestBody rb = body == null ? (method.equals("POST") ? RequestBody.create(new byte[0], JSON) : null)
                    : RequestBody.create(mapper.writeValueAsBytes(body), JSON);
            b.method(method, rb);
        } catch (IOException e) {
            throw new SandboxException("cannot encode the request " + method + " " + path(url) + ": " + e.getMessage(), e);
        }
        Request request = b.build();
        // A pooled connection the server closed while idle fails at once ("unexpected end of stream"): GET and DELETE
        // are tried once more on a new connection. Others are not (a POST may have started a command already).
        boolean idempotent = method.equals("GET") || method.equals("DELETE");
        for (int attempt = 1; ; attempt++) {
            try {
                return execute(request, deadline);
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new SandboxException("interrupted while waiting for " + peer + " (" + method + " " + path(url) + ")", e);
                }
                throw new SandboxException(peer + " did not answer " + method + " " + path(url) + " within " + seconds(deadline), e);
            } catch (IOException e) {
                if (idempotent && attempt == 1 && !(e instanceof ConnectException) && !(e instanceof UnknownHostException)) continue;
                throw new SandboxException("cannot reach " + peer + ": " + describe(e), e);
            } catch (IllegalArgumentException e) { // a URL OkHttp cannot use
                throw new SandboxException("cannot reach " + peer + ": " + e.getMessage(), e);
            }
        }
    }

    private Answer execute(Request request, Duration deadline) throws IOException {
        Call call = http.newCall(request);
        call.timeout().timeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
        try (Response res = call.execute()) {
            ResponseBody rb = res.body();
            return new Answer(res.code(), rb == null ? new byte[0] : rb.bytes());
        }
    }

    <T> T parse(Answer a, Class<T> type, String what) {
        try {
            return mapper.readValue(a.body(), type);
        } catch (IOException e) {
            throw new SandboxException(what + ": the answer is not the expected JSON (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    static String describe(IOException e) {
        if (e instanceof UnknownHostException) return "unknown host " + e.getMessage();
        if (e instanceof ConnectException) return "connection refused";
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static String path(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : url.substring(slash);
    }

    void shutdown() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
