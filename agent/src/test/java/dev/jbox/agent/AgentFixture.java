package dev.jbox.agent;

import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.remote.envd.Envelope;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real agent on 127.0.0.1 with an ephemeral port, serving a local sandbox in a temp dir, plus raw HTTP helpers. */
final class AgentFixture implements AutoCloseable {

    final String token = AccessToken.generate();
    final Path root;
    final AgentServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    AgentFixture() throws IOException {
        this(AgentServer.Config.loopback(0, "x").keepalive(Duration.ofSeconds(1)));
    }

    AgentFixture(AgentServer.Config base) throws IOException {
        this(base, 0);
    }

    /** @param logCap per-stream log cap of the served sandbox (0: none) */
    AgentFixture(AgentServer.Config base, long logCap) throws IOException {
        root = Files.createTempDirectory("jbox-agent-test");
        AgentServer.Config cfg = base.token(token);
        server = AgentServer.start(Sandbox.local(LocalOptions.defaults().workDir(root).killGrace(Duration.ofMillis(500)).logCapBytes(logCap)), cfg);
    }

    String url() {
        return server.url();
    }

    HttpResponse<byte[]> unary(String method, String json, String tokenOrNull) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + "/process.Process/" + method))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (tokenOrNull != null) b.header("X-Access-Token", tokenOrNull);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A server-streaming call with a raw body; the whole response (the stream must end by itself). */
    HttpResponse<byte[]> stream(String method, byte[] body, String tokenOrNull) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + "/process.Process/" + method))
                .header("Content-Type", "application/connect+json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (tokenOrNull != null) b.header("X-Access-Token", tokenOrNull);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] envelope(int flags, String json) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Envelope(flags, json.getBytes(StandardCharsets.UTF_8)).writeTo(out);
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.close();
    }
}
