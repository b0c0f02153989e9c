package dev.jbox.client.log;

import dev.jbox.client.LogRead;
import dev.jbox.client.StreamKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessLogTest {

    @TempDir
    Path dir;

    private static byte[] pattern(long from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ((from + i) * 31 % 251);
        return b;
    }

    @Test
    void readsAnyRangeFromTailOrFile() {
        ProcessLog log = ProcessLog.open(StreamKind.STDOUT, dir.resolve("a.out"), 0, 1000);
        Random rnd = new Random(1);
        long end = 0;
        while (end < 50_000) {
            int n = 1 + rnd.nextInt(3000);
            log.append(pattern(end, n), 0, n);
            end += n;
        }
        assertEquals(end, log.end());
        for (int i = 0; i < 500; i++) {
            long at = (long) (rnd.nextDouble() * end);
            int max = rnd.nextInt(5000);
            LogRead r = log.read(at, max);
            assertEquals(at, r.offset());
            assertEquals(0, r.skipped());
            assertEquals(Math.min(max, end - at), r.bytes().length);
            assertArrayEquals(pattern(at, r.bytes().length), r.bytes());
        }
        assertEquals(0, log.read(end + 10, 100).bytes().length);
        assertThrows(IllegalArgumentException.class, () -> log.read(-1, 10));
        log.finish(); // releases the ring: everything is read from the file now
        for (long at : new long[]{0, end - 1, end - 999, end / 2}) {
            assertArrayEquals(pattern(at, (int) Math.min(700, end - at)), log.read(at, 700).bytes());
        }
        log.close(true);
    }

    @Test
    void shortOutputStaysInMemoryAndLongerFinishedOutputMovesToItsFile() {
        byte[] hello = "hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path tiny = dir.resolve("tiny.out");
        ProcessLog small = ProcessLog.open(StreamKind.STDOUT, tiny, 0, 64 * 1024);
        for (int i = 0; i < 100; i++) small.append(hello, 0, hello.length);
        small.finish();
        assertTrue(!java.nio.file.Files.exists(tiny), "no file for 600 bytes");
        assertEquals(600, small.read(0, 10_000).bytes().length);

        Path file = dir.resolve("small.out");
        ProcessLog log = ProcessLog.open(StreamKind.STDOUT, file, 0, 64 * 1024);
        for (int i = 0; i < 1000; i++) log.append(hello, 0, hello.length);
        assertTrue(!java.nio.file.Files.exists(file), "in memory while running");
        log.finish();
        assertTrue(java.nio.file.Files.exists(file), "on file once finished");
        LogRead all = log.read(0, 10_000);
        assertEquals(6000, all.bytes().length);
        assertEquals("hello\nhello\n", new String(log.read(5994 - 6, 12).bytes(), java.nio.charset.StandardCharsets.UTF_8));
        log.close(true);
        small.close(true);
    }

    @Test
    void capKeepsNewestBytesAndCountsWhatWasDropped() {
        ProcessLog log = ProcessLog.open(StreamKind.STDERR, dir.resolve("a.err"), 1000, 300);
        long end = 0;
        for (int n : new int[]{700, 700, 2500, 10, 999}) {
            log.append(pattern(end, n), 0, n);
            end += n;
        }
        assertEquals(end - 1000, log.start());
        LogRead r = log.read(0, 10_000);
        assertEquals(end - 1000, r.skipped());
        assertEquals(end - 1000, r.offset());
        assertArrayEquals(pattern(end - 1000, 1000), r.bytes());
        LogRead inside = log.read(end - 600, 200); // beyond the 300-byte tail: from the circular file
        assertEquals(0, inside.skipped());
        assertArrayEquals(pattern(end - 600, 200), inside.bytes());
        log.close(true);
    }

    @Test
    void concurrentReaderSeesOnlyCorrectBytesWhileCappedWriterOverwrites() throws Exception {
        ProcessLog log = ProcessLog.open(StreamKind.STDOUT, dir.resolve("c.out"), 4096, 512);
        long total = 4_000_000;
        Thread writer = new Thread(() -> {
            long at = 0;
            while (at < total) {
                int n = (int) Math.min(777, total - at);
                log.append(pattern(at, n), 0, n);
                at += n;
            }
            log.finish();
        });
        writer.start();
        long offset = 0, gaps = 0, got = 0;
        while (!(log.finished() && offset >= log.end())) {
            LogRead r = log.read(offset, 1500);
            assertTrue(r.offset() >= offset);
            assertEquals(r.offset() - offset, r.skipped());
            assertArrayEquals(pattern(r.offset(), r.bytes().length), r.bytes());
            gaps += r.skipped();
            got += r.bytes().length;
            offset = r.offset() + r.bytes().length;
        }
        writer.join();
        assertEquals(total, got + gaps, "every byte is either delivered or reported as skipped");
    }
}
