package dev.jbox.client.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.envd.ConnectCode;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Envelope;
import dev.jbox.client.remote.envd.Protocol;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Connect RPC (JSON) calls to one envd-compatible endpoint: unary calls and server streams. Thread-safe. */
final class EnvdClient {

    private static final MediaType JSON = MediaType.get(Protocol.JSON);
    private static final MediaType CONNECT_JSON = MediaType.get(Protocol.CONNECT_JSON);

    private final String baseUrl;
    private final String token;
    private final RemoteOptions options;
    private final OkHttpClient unaryHttp;
    private final OkHttpClient streamHttp;
    final ObjectMapper mapper = Protocol.mapper();

    EnvdClient(String baseUrl, String token, RemoteOptions options) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.options = options;
        long req = options.requestTimeout().toMillis();
        this.unaryHttp = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(req, TimeUnit.MILLISECONDS)
                .callTimeout(req, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(false)
                .socketFactory(new NoDelaySocketFactory())
                .build();
        // Streams may last hours: no call timeout; a read timeout of 3 keepalives detects a dead peer.
        this.streamHttp = unaryHttp.newBuilder()
                .callTimeout(0, TimeUnit.MILLISECONDS)
                .readTimeout(options.keepalive().toMillis() * 3, TimeUnit.MILLISECONDS)
                .build();
    }

    String baseUrl() {
        return baseUrl;
    }

    RemoteOptions options() {
        return options;
    }

    /** GET /health: the extensions the peer announces (empty for stock envd). */
    Set<String> health() {
        Request r = request(Protocol.HEALTH).get().build();
        try (Response res = unaryHttp.newCall(r).execute()) {
            if (res.code() == 401) throw new SandboxException("the agent at " + baseUrl + " rejected the access token (401)");
            if (!res.isSuccessful()) throw new SandboxException("the agent at " + baseUrl + " is not healthy: HTTP " + res.code() + " on /health");
            String f = res.header(Protocol.FEATURES_HEADER);
            return f == null ? Set.of() : new HashSet<>(Arrays.asList(f.split("\\s*,\\s*")));
        } catch (IOException e) {
            throw new SandboxException("cannot reach the agent at " + baseUrl + ": " + describe(e), e);
        }
    }

    <R> R unary(String path, Object request, Class<R> type) {
        try {
            RequestBody body = RequestBody.create(mapper.writeValueAsBytes(request), JSON);
            Request r = request(path).post(body).build();
            try (Response res = unaryHttp.newCall(r).execute()) {
                ResponseBody rb = res.body();
                byte[] bytes = rb == null ? new byte[0] : rb.bytes();
                if (!res.isSuccessful()) throw errorOf(res.code(), bytes);
                return mapper.readValue(bytes, type);
            }
        } catch (IOException e) {
            throw new SandboxException("cannot reach the agent at " + baseUrl + ": " + describe(e), e);
        }
    }

    /** Opens a server stream; the caller reads it with {@link EventReader} and closes it. */
    EventReader stream(String path, Object request, Map<String, String> extraHeaders) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        new Envelope(0, mapper.writeValueAsBytes(request)).writeTo(buf);
        Request.Builder b = request(path).post(RequestBody.create(buf.toByteArray(), CONNECT_JSON))
                .header(Protocol.KEEPALIVE_HEADER, String.valueOf(options.keepalive().toSeconds()));
        extraHeaders.forEach(b::header);
        Call call = streamHttp.newCall(b.build());
        Response res = call.execute();
        if (res.code() != 200) {
            try (res) {
                ResponseBody rb = res.body();
                throw errorOf(res.code(), rb == null ? new byte[0] : rb.bytes());
            }
        }
        return new EventReader(call, res, mapper);
    }

    private Request.Builder request(String path) {
        Request.Builder b = new Request.Builder().url(baseUrl + path).header(Protocol.PROTOCOL_VERSION_HEADER, "1");
        if (token != null) b.header(Protocol.ACCESS_TOKEN_HEADER, token);
        options.headers().forEach(b::header);
        return b;
    }

    private ConnectException errorOf(int status, byte[] body) {
        try {
            ConnectException.ErrorBody e = mapper.readValue(body, ConnectException.ErrorBody.class);
            if (e.code() != null) return e.toException();
        } catch (IOException ignored) {
            // not a Connect error body
        }
        if (status == 401) return new ConnectException(ConnectCode.UNAUTHENTICATED, "the agent at " + baseUrl + " rejected the access token (401)");
        return new ConnectException(ConnectCode.fromHttpStatus(status), "HTTP " + status + " from " + baseUrl);
    }

    static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
    }

    void shutdown() {
        unaryHttp.dispatcher().executorService().shutdown();
        unaryHttp.connectionPool().evictAll();
    }
}
