package dev.jbox.client.log;

import dev.jbox.client.LogRead;
import dev.jbox.client.StreamKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log as a reader of a file that someone else appends to (here the test, elsewhere the process). */
class ProcessLogTest {

    @TempDir
    Path dir;

    private static byte[] pattern(long from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) ((from + i) * 31 % 251);
        return b;
    }

    private static OutputStream appender(Path file) throws IOException {
        return Files.newOutputStream(file, StandardOpenOption.APPEND);
    }

    @Test
    void readsAnyRangeOfWhatTheWriterAppended() throws IOException {
        Path file = dir.resolve("a.out");
        ProcessLog log = ProcessLog.open(StreamKind.STDOUT, file, 0);
        assertTrue(Files.exists(file), "created for the writer to append to");
        Random rnd = new Random(1);
        long end = 0;
        try (OutputStream w = appender(file)) {
            while (end < 50_000) {
                int n = 1 + rnd.nextInt(3000);
                w.write(pattern(end, n));
                end += n;
            }
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
        log.close(true);
        assertFalse(Files.exists(file));
    }

    @Test
    void anInterruptedReaderKeepsItsInterruptAndTheLogStaysReadableForEveryone() throws IOException {
        Path file = dir.resolve("i.out");
        ProcessLog log = ProcessLog.open(StreamKind.STDOUT, file, 0);
        try (OutputStream w = appender(file)) {
            w.write(pattern(0, 1000));
        }
        Thread.currentThread().interrupt(); // a FileChannel closes itself for every user when an interrupted thread uses it
        try {
            assertArrayEquals(pattern(0, 1000), log.read(0, 1000).bytes());
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt stays set for the reader");
        }
        try (OutputStream w = appender(file)) {
            w.write(pattern(1000, 500));
        }
        assertTrue(log.refresh(), "the log still sees the file grow");
        assertEquals(1500, log.end());
        assertArrayEquals(pattern(1000, 500), log.read(1000, 500).bytes());
        log.close(true);
    }

    @Test
    void refreshTellsWatchersOnlyWhenTheFileGrew() throws IOException {
        Path file = dir.resolve("w.out");
        ProcessLog log = ProcessLog.open(StreamKind.STDOUT, file, 0);
        AtomicInteger woken = new AtomicInteger();
        log.addWatcher(woken::incrementAndGet);
        assertFalse(log.refresh());
        try (OutputStream w = appender(file)) {
            w.write("hello\n".getBytes());
        }
        assertTrue(log.refresh());
        assertFalse(log.refresh(), "nothing new");
        assertEquals(1, woken.get());
        log.close(true);
    }

    @Test
    void capKeepsNewestBytesCountsWhatWasDroppedAndFreesTheirSpace() throws Exception {
        Path file = dir.resolve("a.err");
        ProcessLog log = ProcessLog.open(StreamKind.STDERR, file, 1000);
        long end = 0;
        try (OutputStream w = appender(file)) {
            for (int n : new int[]{700, 700, 2500, 10, 999}) {
                w.write(pattern(end, n));
                end += n;
            }
        }
        assertEquals(end - 1000, log.start());
        LogRead r = log.read(0, 10_000);
        assertEquals(end - 1000, r.skipped());
        assertEquals(end - 1000, r.offset());
        assertArrayEquals(pattern(end - 1000, 1000), r.bytes());
        LogRead inside = log.read(end - 600, 200);
        assertEquals(0, inside.skipped());
        assertArrayEquals(pattern(end - 600, 200), inside.bytes());
        log.close(true);

        // Space: 8 MB written with a 1 MB cap occupies about 1 MB on disk once reclaimed; offsets stay.
        Path big = dir.resolve("big.out");
        ProcessLog capped = ProcessLog.open(StreamKind.STDOUT, big, 1 << 20);
        try (OutputStream w = appender(big)) {
            for (int i = 0; i < 8; i++) w.write(pattern(i << 20, 1 << 20));
        }
        assertFalse(capped.needsReclaim(), "fresh bytes are not punched: that would make the kernel write them out first");
        long settled = ProcessLog.settledNanos;
        ProcessLog.settledNanos = 0;
        try {
            assertTrue(capped.needsReclaim());
            assertTrue(capped.reclaim(), "fallocate --punch-hole");
        } finally {
            ProcessLog.settledNanos = settled;
        }
        assertFalse(capped.needsReclaim());
        assertEquals(8L << 20, Files.size(big), "the size (and every offset) stays");
        assertTrue(allocatedBytes(big) <= (2L << 20), "disk use after reclaiming: " + allocatedBytes(big));
        assertArrayEquals(pattern((8L << 20) - 100, 100), capped.read((8L << 20) - 100, 100).bytes());
        assertEquals(7L << 20, capped.read(0, 10).skipped());
        capped.close(true);
    }

    private static long allocatedBytes(Path f) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", f.toString()).start();
        String[] out = new String(p.getInputStream().readAllBytes()).strip().split(" ");
        p.waitFor();
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    @Test
    void concurrentReaderSeesOnlyCorrectBytesWhileACappedLogGrows() throws Exception {
        Path file = dir.resolve("c.out");
        ProcessLog log = ProcessLog.open(StreamKind.STDOUT, file, 4096);
        long total = 4_000_000;
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (OutputStream w = appender(file)) {
                long at = 0;
                while (at < total) {
                    int n = (int) Math.min(777, total - at);
                    w.write(pattern(at, n));
                    at += n;
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            } finally {
                done.set(true);
            }
        });
        writer.start();
        long offset = 0, gaps = 0, got = 0;
        while (!(done.get() && offset >= log.end())) {
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
        log.close(true);
    }
}
