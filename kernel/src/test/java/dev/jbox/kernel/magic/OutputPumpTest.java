package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.client.CommandResult;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.StreamKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutputPumpTest {

    private final AtomicLong clock = new AtomicLong();
    private final RecordingCellOutput out = new RecordingCellOutput();

    private OutputPump pump(long rate) {
        return new OutputPump("p7", out, new RateLimiter(() -> rate, clock::get), () -> rate, r -> { });
    }

    @Test
    void passesTextOnInOrderAndKeepsStreamsApart() {
        OutputPump p = pump(0);
        long off = 0;
        for (int i = 0; i < 100; i++) {
            byte[] b = ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
            p.onOutput(new OutputChunk(StreamKind.STDOUT, off, b));
            off += b.length;
        }
        p.onOutput(new OutputChunk(StreamKind.STDERR, 0, "oops\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(p.tick(System.nanoTime()));
        assertEquals(101, out.count("stream"), "the kernel's CellOutput coalesces, not the pump");
        assertTrue(out.text("stdout").startsWith("line 0\nline 1\n") && out.text("stdout").endsWith("line 99\n"));
        assertEquals("oops\n", out.text("stderr"));
    }

    @Test
    void utf8SplitAcrossChunksIsDecoded() {
        OutputPump p = pump(0);
        byte[] all = "héllo → wörld 🎉\n".getBytes(StandardCharsets.UTF_8);
        long off = 0;
        for (int i = 0; i < all.length; i++) { // one byte per chunk: every multi-byte character is split
            p.onOutput(new OutputChunk(StreamKind.STDOUT, off++, new byte[] {all[i]}));
        }
        p.onExit(result());
        assertEquals("héllo → wörld 🎉\n", out.text("stdout"));
        assertFalse(p.tick(System.nanoTime()), "a finished pump needs no more ticks");
    }

    @Test
    void rateLimitSkipsAndTellsTheExactLogsCommand() {
        OutputPump p = pump(1000); // 1000 bytes/s, 1 s burst
        byte[] kb = new byte[500];
        Arrays.fill(kb, (byte) 'x');
        long off = 0;
        for (int i = 0; i < 10; i++) { // 5000 bytes at once: 2 chunks fit the burst
            p.onOutput(new OutputChunk(StreamKind.STDOUT, off, kb));
            off += kb.length;
        }
        clock.addAndGet(1_000_000_000L); // a second later the budget is back
        p.onOutput(new OutputChunk(StreamKind.STDOUT, off, "end\n".getBytes(StandardCharsets.UTF_8)));
        p.tick(System.nanoTime());
        assertEquals(1000 + 4, out.text("stdout").length());
        assertTrue(out.text("stdout").endsWith("end\n"));
        String notice = out.text("stderr");
        assertTrue(notice.contains("skipped 3.9 KB of stdout"), notice);
        assertTrue(notice.contains("%logs p7 --offset 1000 --bytes 4000"), notice);
        assertEquals(1, notice.lines().count());
        assertEquals(4000, p.skippedBytes());
    }

    @Test
    void skippedStderrNamesTheStderrLog() {
        OutputPump p = pump(10);
        p.onOutput(new OutputChunk(StreamKind.STDERR, 0, new byte[10]));
        p.onOutput(new OutputChunk(StreamKind.STDERR, 10, new byte[25]));
        p.onExit(result());
        assertTrue(out.text("stderr").contains("%logs p7 --stderr --offset 10 --bytes 25"), out.text("stderr"));
    }

    @Test
    void limiterHoldsTheConfiguredRateOverTime() {
        long rate = 256 * 1024;
        RateLimiter l = new RateLimiter(() -> rate, clock::get);
        long passed = 0;
        for (int step = 0; step < 1000; step++) { // 10 s of a flood, 64 KB every 10 ms (6.4 MB/s offered)
            if (l.tryAcquire(65536)) passed += 65536;
            clock.addAndGet(10_000_000L);
        }
        assertTrue(passed <= rate * 11, "passed " + passed);
        assertTrue(passed >= rate * 9, "passed " + passed);
    }

    @Test
    void panelRendersStateExitAndBytes() {
        Instant start = Instant.parse("2026-01-01T10:00:00Z");
        ProcessInfo p = new ProcessInfo("p3", "web", 4242, "python3 -m http.server", "/tmp", Map.of(), ProcessState.FAILED, 2,
                start, start.plusSeconds(75), 2048, 10, "jbox:bg");
        String text = (String) StatusPanel.render(p, Instant.now()).data().get("text/plain");
        assertEquals("p3 · failed · exit 2 · pid 4242 · 1m15s · stdout 2.0 KB · stderr 10 B · python3 -m http.server", text);
        assertTrue(((String) StatusPanel.render(p, Instant.now()).data().get("text/html")).contains("#cf222e"));
        String table = (String) ProcessTable.render(java.util.List.of(p), Instant.now()).data().get("text/plain");
        assertTrue(table.lines().findFirst().orElseThrow().startsWith("id  name  pid   state   exit  started"), table);
        assertTrue(table.contains("p3  web   4242  failed  2"), table);
    }

    private static CommandResult result() {
        return new CommandResult("p7", ProcessState.COMPLETED, 0, "", "", 0, 0, Instant.now(), Duration.ZERO, null);
    }
}
