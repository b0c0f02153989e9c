package dev.jbox.agent.bench;

import dev.jbox.agent.AccessToken;
import dev.jbox.agent.AgentServer;
import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.Sandbox;
import dev.jbox.client.Subscription;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Side-by-side figures of the remote backend through {@code jbox agent} on loopback vs the local backend:
 * streaming throughput, start-to-first-byte latency (p50), and N concurrent streams held for a while with memory.
 * Run by {@code bench/agent-bench}. Arguments: [holdSeconds=60] [streams=100] [throughputMiB=256] [latencyRuns=40].
 */
public final class AgentBenchmark {

    public static void main(String[] args) throws Exception {
        int hold = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int streams = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int mib = args.length > 2 ? Integer.parseInt(args[2]) : 256;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        Path dir = Files.createTempDirectory("jbox-bench");
        String token = AccessToken.generate();
        LocalOptions lo = LocalOptions.defaults().workDir(dir);
        try (Sandbox local = Sandbox.local(lo);
             AgentServer agent = AgentServer.start(Sandbox.local(lo), new AgentServer.Config("127.0.0.1", 0, new AccessToken(token), 4 << 20, Duration.ofSeconds(15), true));
             Sandbox remote = RemoteSandbox.connect(agent.url(), token, RemoteOptions.defaults())) {
            System.out.printf(Locale.ROOT, "jbox agent benchmark (agent and client in one JVM, loopback %s), %d cores, java %s%n",
                    agent.url(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

            // warm-up
            throughput(local, 16);
            throughput(remote, 16);
            // interleaved pairs, so that load from elsewhere on the machine hits both sides alike
            int pairs = 5;
            double[] tl = new double[pairs];
            double[] ta = new double[pairs];
            double[] ratio = new double[pairs];
            for (int i = 0; i < pairs; i++) {
                tl[i] = throughput(local, mib);
                ta[i] = throughput(remote, mib);
                ratio[i] = ta[i] / tl[i];
            }
            Arrays.sort(tl);
            Arrays.sort(ta);
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "throughput (%d MiB stdout, median of %d interleaved pairs): local %.0f MiB/s, agent %.0f MiB/s, "
                            + "ratio agent/local %.2fx (pair ratios %.2f..%.2f; goal >= 0.5x)%n",
                    mib, pairs, pct(tl, 50), pct(ta, 50), pct(ratio, 50), ratio[0], ratio[pairs - 1]);

            double[] ll = latencies(local, runs);
            double[] la = latencies(remote, runs);
            System.out.printf(Locale.ROOT, "start-to-first-byte p50 (%d runs): local %.2f ms, agent %.2f ms, ratio agent/local %.2fx; p90 local %.2f ms, agent %.2f ms%n",
                    runs, pct(ll, 50), pct(la, 50), pct(la, 50) / pct(ll, 50), pct(ll, 90), pct(la, 90));

            Held hl = hold(local, streams, hold);
            Held ha = hold(remote, streams, hold);
            System.out.printf(Locale.ROOT, "%d concurrent streams held %d s: local: heap +%.1f MiB, RSS +%.1f MiB, threads +%d, ticks %d/%d streams ok%n",
                    streams, hold, hl.heapMiB, hl.rssMiB, hl.threads, hl.okStreams, streams);
            System.out.printf(Locale.ROOT, "%d concurrent streams held %d s: agent (server + client in this JVM): heap +%.1f MiB, RSS +%.1f MiB, threads +%d, ticks %d/%d streams ok%n",
                    streams, hold, ha.heapMiB, ha.rssMiB, ha.threads, ha.okStreams, streams);
            System.out.printf(Locale.ROOT, "memory ratio agent/local (heap): %.2fx%n", ha.heapMiB / Math.max(0.1, hl.heapMiB));
        }
    }

    /** MiB/s of a command writing {@code mib} MiB, from start until every byte reached a subscriber and the exit was seen. */
    static double throughput(Sandbox sb, int mib) throws Exception {
        long bytes = (long) mib << 20;
        AtomicLong got = new AtomicLong();
        CompletableFuture<CommandResult> done = new CompletableFuture<>();
        long t0 = System.nanoTime();
        CommandHandle h = sb.commands().start("head -c " + bytes + " /dev/zero");
        try (Subscription s = h.subscribe(new OutputListener() {
            @Override
            public void onOutput(OutputChunk chunk) {
                got.addAndGet(chunk.length());
            }

            @Override
            public void onExit(CommandResult result) {
                done.complete(result);
            }

            @Override
            public void onError(Exception error) {
                done.completeExceptionally(error);
            }
        })) {
            done.get(300, TimeUnit.SECONDS);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (got.get() != bytes) throw new IllegalStateException("got " + got.get() + " of " + bytes + " bytes");
        return mib / secs;
    }

    static double[] latencies(Sandbox sb, int runs) throws Exception {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            CompletableFuture<Long> first = new CompletableFuture<>();
            long t0 = System.nanoTime();
            CommandHandle h = sb.commands().start("echo x");
            try (Subscription s = h.subscribe(chunk -> first.complete(System.nanoTime()))) {
                ms[i] = (first.get(30, TimeUnit.SECONDS) - t0) / 1e6;
                h.waitFor(Duration.ofSeconds(30));
            }
        }
        Arrays.sort(ms);
        return ms;
    }

    static double pct(double[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.round(p / 100.0 * (sorted.length - 1)))];
    }

    record Held(double heapMiB, double rssMiB, int threads, int okStreams) {
    }

    /** Streams each printing a line per second, subscribed for {@code seconds}; memory is sampled at the end. */
    static Held hold(Sandbox sb, int n, int seconds) throws Exception {
        gc();
        long heap0 = heapUsed();
        long rss0 = rss();
        int threads0 = Thread.activeCount();
        List<CommandHandle> hs = new ArrayList<>();
        List<Subscription> subs = new ArrayList<>();
        List<AtomicLong> ticks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CommandHandle h = sb.commands().start("while true; do echo tick; sleep 1; done");
            AtomicLong t = new AtomicLong();
            subs.add(h.subscribe(chunk -> t.addAndGet(chunk.length() / 5)));
            hs.add(h);
            ticks.add(t);
        }
        Thread.sleep(seconds * 1000L);
        gc();
        long heap1 = heapUsed();
        long rss1 = rss();
        int threads1 = Thread.activeCount();
        int ok = 0;
        for (AtomicLong t : ticks) if (t.get() >= Math.max(1, seconds - 3)) ok++;
        for (Subscription s : subs) s.close();
        for (CommandHandle h : hs) h.kill();
        for (CommandHandle h : hs) h.waitFor(Duration.ofSeconds(30));
        return new Held((heap1 - heap0) / 1048576.0, (rss1 - rss0) / 1048576.0, threads1 - threads0, ok);
    }

    static void gc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
    }

    static long heapUsed() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    static long rss() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (java.io.IOException ignored) {
            // not Linux
        }
        return 0;
    }
}
