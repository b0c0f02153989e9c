package dev.jbox.agent.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jbox.agent.AccessToken;
import dev.jbox.agent.AgentServer;
import dev.jbox.client.CommandHandle;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.Subscription;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;
import dev.jbox.client.remote.hopx.HopxOptions;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The HopX backend against the envd backend, on the same {@code jbox agent} on loopback, at the API (no kernel):
 * start to first output byte, and a line written (with its wall-clock time in it) to its chunk reaching the
 * subscriber, p50 and p99, runs alternating between the two. The HopX control API is a minimal local stand-in that
 * hands out the agent's URL and token. Run by {@code bench/hopx-bench}. Arguments: [runs=30] [lines=200].
 */
public final class HopxBenchmark {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int lines = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path dir = Files.createTempDirectory("jbox-hopx-bench");
        String token = AccessToken.generate();
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        try (AgentServer agent = AgentServer.start(Sandbox.local(LocalOptions.defaults().workDir(dir)),
                AgentServer.Config.loopback(0, token))) {
            api.createContext("/", ex -> controlApi(ex, agent.url(), token));
            api.start();
            HopxOptions hopxOptions = HopxOptions.fromEnv(java.util.Map.of()).apiKey("bench").baseUrl("http://127.0.0.1:" + api.getAddress().getPort())
                    .logRoot(dir.resolve("hopx-logs").toString());
            try (Sandbox envd = RemoteSandbox.connect(agent.url(), token, RemoteOptions.defaults());
                 Sandbox hopx = Sandbox.hopx(hopxOptions)) {
                System.out.printf(Locale.ROOT, "HopX backend vs envd backend on one jbox agent (%s), %d cores, load %.1f, java %s%n", agent.url(),
                        Runtime.getRuntime().availableProcessors(), java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                        System.getProperty("java.version"));
                for (int i = 0; i < 3; i++) { // warm-up
                    firstOutput(envd);
                    firstOutput(hopx);
                }
                List<Double> fe = new ArrayList<>();
                List<Double> fh = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    fe.add(firstOutput(envd));
                    fh.add(firstOutput(hopx));
                }
                List<Double> le = new ArrayList<>();
                List<Double> lh = new ArrayList<>();
                for (int round = 0; round < 4; round++) {
                    le.addAll(lineLatencies(envd, lines / 4));
                    lh.addAll(lineLatencies(hopx, lines / 4));
                }
                System.out.printf(Locale.ROOT, "%-34s %10s %10s %10s %10s   %s%n", "ms", "envd p50", "envd p99", "hopx p50", "hopx p99", "ratio p50 / p99");
                row("start -> first output (" + runs + ")", fe, fh);
                row("line written -> subscriber (" + le.size() + "/" + lh.size() + ")", le, lh);
            }
        } finally {
            api.stop(0);
        }
    }

    private static void controlApi(HttpExchange ex, String agentUrl, String token) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String body = path.endsWith("/token/refresh")
                    ? "{\"auth_token\":\"" + token + "\",\"token_expires_at\":\"" + Instant.now().plus(Duration.ofHours(2)) + "\"}"
                    : "{\"sandbox_id\":\"sbxbench\",\"status\":\"running\",\"public_host\":\"" + agentUrl + "\",\"auth_token\":\"" + token
                    + "\",\"token_expires_at\":\"" + Instant.now().plus(Duration.ofHours(2)) + "\"}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(ex.getRequestMethod().equals("DELETE") ? 204 : 200, ex.getRequestMethod().equals("DELETE") ? -1 : b.length);
            if (!ex.getRequestMethod().equals("DELETE")) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
        }
    }

    /** Milliseconds from calling start to the first output byte reaching a subscriber. */
    private static double firstOutput(Sandbox sb) throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        long t0 = System.nanoTime();
        CommandHandle h = sb.commands().start("echo first; sleep 0.1");
        try (Subscription ignored = h.subscribe(chunk -> first.countDown())) {
            if (!first.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("no output from " + sb.describe());
            double ms = (System.nanoTime() - t0) / 1e6;
            h.waitFor(Duration.ofSeconds(30));
            return ms;
        }
    }

    /** Per line: its arrival at the subscriber minus the wall-clock time the command wrote into it. */
    private static List<Double> lineLatencies(Sandbox sb, int n) throws Exception {
        List<Double> out = Collections.synchronizedList(new ArrayList<>());
        StringBuilder partial = new StringBuilder();
        CommandHandle h = sb.commands().start("for i in $(seq 1 " + n + "); do echo \"$EPOCHREALTIME\"; sleep 0.05; done",
                RunOptions.background());
        CountDownLatch done = new CountDownLatch(1);
        try (Subscription ignored = h.subscribe(new OutputListener() {
            @Override
            public synchronized void onOutput(OutputChunk chunk) {
                Instant t = Instant.now();
                double now = t.getEpochSecond() * 1000.0 + t.getNano() / 1e6;
                partial.append(chunk.text());
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String line = partial.substring(0, nl).trim();
                    partial.delete(0, nl + 1);
                    try {
                        out.add(now - Double.parseDouble(line) * 1000);
                    } catch (NumberFormatException ignoredLine) {
                        // not a time stamp
                    }
                }
            }

            @Override
            public void onExit(dev.jbox.client.CommandResult r) {
                done.countDown();
            }
        })) {
            if (!done.await(n * 2L + 60, TimeUnit.SECONDS)) throw new IllegalStateException("the line writer did not end");
        }
        return out;
    }

    private static void row(String name, List<Double> envd, List<Double> hopx) {
        double e50 = pct(envd, 50);
        double e99 = pct(envd, 99);
        double h50 = pct(hopx, 50);
        double h99 = pct(hopx, 99);
        System.out.printf(Locale.ROOT, "%-34s %10.1f %10.1f %10.1f %10.1f   x%.1f / x%.1f%n", name, e50, e99, h50, h99, h50 / e50, h99 / e99);
    }

    private static double pct(List<Double> xs, int p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.round(p / 100.0 * (s.size() - 1))));
    }
}
