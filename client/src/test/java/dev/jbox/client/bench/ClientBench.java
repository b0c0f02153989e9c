package dev.jbox.client.bench;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.ProcessState;
import dev.jbox.client.Sandbox;
import dev.jbox.client.Subscription;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figures of the local sandbox, each measured side by side with its reference in the same run:
 * capture throughput of 1 GiB vs the shell piping the same bytes to /dev/null, heap growth meanwhile,
 * start latency vs a bare ProcessBuilder, and 100 concurrent processes of 10 MB each.
 * Run with {@code bench/client-bench.sh}.
 */
public final class ClientBench {

    private static final long GIB = 1L << 30;
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        if (args.length > 1 && args[1].equals("latency")) { // bench/client-bench.sh 0 latency: only the start latency
            startLatency(300);
            return;
        }
        System.out.printf("jbox client bench: %d cores, max heap %d MB, %d rounds (medians shown)%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, rounds);
        throughput(rounds);
        startLatency(300);
        concurrent(100, 10_000_000);
    }

    // ---- 1 GiB capture -------------------------------------------------------------------------------------

    private static void throughput(int rounds) throws Exception {
        String produce = "head -c " + GIB + " /dev/zero";
        double[] pipe = new double[rounds], direct = new double[rounds], toFile = new double[rounds];
        double[] captured = new double[rounds], followed = new double[rounds], capped = new double[rounds];
        Path scratch = Files.createTempFile("jbox-bench-", ".out");
        long peakUsed = 0, peakLive = 0;
        gc();
        long baseline = used();
        for (int i = 0; i < rounds; i++) {
            pipe[i] = seconds(() -> shell(produce + " | cat > /dev/null"));
            direct[i] = seconds(() -> shell(produce + " > /dev/null"));
            toFile[i] = seconds(() -> shell(produce + " | dd bs=64k status=none of=" + scratch));
            Files.write(scratch, new byte[0]);
            HeapSampler sampler = new HeapSampler();
            sampler.start();
            captured[i] = capture(LocalOptions.defaults(), produce, false);
            followed[i] = capture(LocalOptions.defaults(), produce, true);
            capped[i] = capture(LocalOptions.defaults().logCapBytes(256L << 20), produce, false);
            sampler.stopSampling();
            sampler.join();
            peakUsed = Math.max(peakUsed, sampler.peakUsed);
            peakLive = Math.max(peakLive, sampler.peakLive);
        }
        Files.deleteIfExists(scratch);
        double ref = median(pipe);
        System.out.printf("%n1 GiB to stdout (median of %d)%n", rounds);
        System.out.printf("  reference: shell pipe to /dev/null   %6.2f s  %7.0f MB/s%n", ref, GIB / ref / 1e6);
        System.out.printf("  (no pipe: shell > /dev/null           %6.2f s  %7.0f MB/s)%n", median(direct), GIB / median(direct) / 1e6);
 System.out.printf("  (pipe to a file with dd, i.e. pipe + the log's file writes: %6.2f s  %7.0f MB/s)%n", median(toFile), GIB / median(toFile) / 1e6);
        System.out.printf("  jbox capture into the log            %6.2f s  %7.0f MB/s  ratio %.2fx of reference (goal >= 0.5); %.2fx of pipe+file%n",
                median(captured), GIB / median(captured) / 1e6, ref / median(captured), median(toFile) / median(captured));
        System.out.printf("  jbox capture, log capped at 256 MB   %6.2f s  %7.0f MB/s  ratio %.2fx of reference%n",
                median(capped), GIB / median(capped) / 1e6, ref / median(capped));
        System.out.printf("  jbox capture + 1 live subscriber     %6.2f s  %7.0f MB/s  ratio %.2fx of reference%n",
                median(followed), GIB / median(followed) / 1e6, ref / median(followed));
        System.out.printf("  heap growth meanwhile: peak used %d MB over baseline (garbage included), peak live after GC %d MB over baseline (goal <= 64)%n",
                Math.max(0, peakUsed - baseline) >> 20, Math.max(0, peakLive - baseline) >> 20);
    }

    /** Seconds from start until the process ended (and the subscriber got every byte); closing is not timed. */
    private static double capture(LocalOptions options, String command, boolean subscribe) {
        try (Sandbox sb = Sandbox.local(options)) {
            long t0 = System.nanoTime();
            CommandHandle h = sb.commands().start(command);
            AtomicLong seen = new AtomicLong();
            Subscription s = subscribe ? h.subscribe(c -> seen.addAndGet(c.length())) : null;
            CommandResult r = h.waitFor();
            check(r.state() == ProcessState.COMPLETED && r.stdoutBytes() == GIB, "capture lost bytes: " + r);
            if (s != null) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen.get() < GIB && System.nanoTime() < deadline) sleep(1);
                check(seen.get() == GIB, "subscriber saw " + seen.get() + " bytes");
                s.close();
            }
            return (System.nanoTime() - t0) / 1e9;
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- start latency -------------------------------------------------------------------------------------

    private static void startLatency(int n) throws Exception {
        long[] bare = new long[n], chain = new long[n], ours = new long[n], shell = new long[n];
        try (Sandbox sb = Sandbox.local()) {
            for (int i = 0; i < 20; i++) { // warm-up of both paths
                bareTrue();
                sb.commands().start("true").waitFor();
                bare(CHAIN);
                sb.commands().start("true;").waitFor();
            }
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                bareTrue();
                long t1 = System.nanoTime();
                CommandResult r = sb.commands().start("true").waitFor();
                long t2 = System.nanoTime();
                bare(CHAIN);
                long t3 = System.nanoTime();
                CommandResult viaShell = sb.commands().start("true;").waitFor(); // shell syntax: runs under bash
                long t4 = System.nanoTime();
                check(r.ok() && viaShell.ok(), "true failed: " + r + " " + viaShell);
                bare[i] = t1 - t0;
                ours[i] = t2 - t1;
                chain[i] = t3 - t2;
                shell[i] = t4 - t3;
            }
        }
        double b = medianNanos(bare) / 1e6, o = medianNanos(ours) / 1e6, c = medianNanos(chain) / 1e6;
        double s = medianNanos(shell) / 1e6;
        System.out.printf("%nstart latency of `true`, start to exit observed (median of %d, alternating)%n", n);
        System.out.printf("  reference: bare ProcessBuilder       %6.2f ms%n", b);
        System.out.printf("  jbox start(\"true\").waitFor()        %6.2f ms  ratio %.2fx (goal <= 1.5): no shell syntax, so no bash and no setsid%n", o, o / b);
        System.out.printf("  for scale: bare ProcessBuilder of %s  %6.2f ms  ratio %.2fx: what a session of its own would cost%n",
                String.join(" ", CHAIN), c, c / b);
        System.out.printf("  jbox start(\"true;\"), under bash   %6.2f ms  ratio %.2fx (shell syntax: setsid + bash)%n", s, s / b);
    }

    /** What jbox would execute for {@code true} if it gave every command a session of its own (see Shell's rule). */
    private static final String[] CHAIN = {"/usr/bin/setsid", "true"};

    private static void bareTrue() throws Exception {
        bare("true");
    }

    private static void bare(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).start();
        p.waitFor();
        p.getInputStream().close();
        p.getErrorStream().close();
        p.getOutputStream().close();
    }

    // ---- concurrency ---------------------------------------------------------------------------------------

    private static void concurrent(int processes, long bytesEach) throws Exception {
        String produce = "head -c " + bytesEach + " /dev/zero";
        double ref = seconds(() -> {
            List<Process> ps = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                ps.add(new ProcessBuilder("bash", "-c", produce + " | cat > /dev/null").redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process p : ps) p.waitFor();
        });
        long[] total = new long[1];
        long[] delivered = new long[1];
        double ours = seconds(() -> {
            try (Sandbox sb = Sandbox.local(LocalOptions.defaults())) {
                List<CommandHandle> hs = new ArrayList<>();
                AtomicLong seen = new AtomicLong();
                for (int i = 0; i < processes; i++) {
                    CommandHandle h = sb.commands().start(produce);
                    h.subscribe(c -> seen.addAndGet(c.length()));
                    hs.add(h);
                }
                for (CommandHandle h : hs) {
                    CommandResult r = h.waitFor();
                    check(r.ok() && r.stdoutBytes() == bytesEach, "lost bytes: " + r);
                    total[0] += r.stdoutBytes();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen.get() < total[0] && System.nanoTime() < deadline) sleep(1);
                delivered[0] = seen.get();
            }
        });
        check(total[0] == processes * bytesEach && delivered[0] == total[0], "bytes unaccounted: " + total[0] + " / " + delivered[0]);
        System.out.printf("%n%d concurrent processes x %d MB%n", processes, bytesEach / 1_000_000);
        System.out.printf("  reference: same commands, shell pipe to /dev/null   %6.2f s%n", ref);
        System.out.printf("  jbox: logged %d bytes, %d delivered to subscribers  %6.2f s  ratio %.2fx of reference time%n",
                total[0], delivered[0], ours, ours / ref);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    /** Peak heap use, sampled every 5 ms: all of it, and the part that survived the last collection. */
    private static final class HeapSampler extends Thread {
        volatile boolean running = true;
        volatile long peakUsed, peakLive;

        HeapSampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            while (running) {
                peakUsed = Math.max(peakUsed, used());
                long live = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) live += pool.getCollectionUsage().getUsed();
                }
                peakLive = Math.max(peakLive, live);
                ClientBench.sleep(5);
            }
        }

        void stopSampling() {
            running = false;
        }
    }

    private interface Task {
        void run() throws Exception;
    }

    private static double seconds(Task t) throws Exception {
        long t0 = System.nanoTime();
        t.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void shell(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).inheritIO().start();
        check(p.waitFor() == 0, "reference command failed: " + command);
    }

    private static long used() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private static void gc() {
        System.gc();
        sleep(100);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double medianNanos(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalStateException(message);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
