package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.display.RecordingCellOutput;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutputCaptureTest {

    private final JShellEvaluator ev = SharedEvaluator.get();

    @Test
    void stdoutAndStderrOfACellGoToItsOutput() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = ev.evaluate("System.out.println(\"to out\");\nSystem.err.print(\"to err\");\nSystem.out.printf(\"%d%n\", 42);", out);
        assertNull(r.error());
        assertEquals("to out\n42\n", out.stdout());
        assertEquals("to err", out.stderr());
    }

    @Test
    void utf8WrittenByteByByteIsDecodedWhole() {
        RecordingCellOutput out = new RecordingCellOutput();
        ev.evaluate("for (byte b : \"h\u00e9 \u20ac \uD83D\uDE00\".getBytes(java.nio.charset.StandardCharsets.UTF_8)) System.out.write(b);", out);
        assertEquals("h\u00e9 \u20ac \uD83D\uDE00", out.stdout());
    }

    @Test
    void aThreadStartedByACellKeepsWritingIntoThatCell() throws Exception {
        // Cells cannot see test classes (surefire's class path is a manifest jar), so the latches travel as JDK objects.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch printed = new CountDownLatch(1);
        System.getProperties().put("jbox.test.release", release);
        System.getProperties().put("jbox.test.printed", printed);
        RecordingCellOutput first = new RecordingCellOutput();
        EvalResult r = ev.evaluate("""
                var release = (java.util.concurrent.CountDownLatch) System.getProperties().get("jbox.test.release");
                var printed = (java.util.concurrent.CountDownLatch) System.getProperties().get("jbox.test.printed");
                new Thread(() -> {
                    System.out.println("early line");
                    try { release.await(); } catch (InterruptedException e) { }
                    System.out.println("late line");
                    System.err.println("late err");
                    printed.countDown();
                }).start();
                System.out.println("first cell");""", first);
        assertNull(r.error(), () -> String.valueOf(r.error()));
        assertEquals(1, printed.getCount(), "the thread must still be running after its cell returned");
        RecordingCellOutput second = new RecordingCellOutput();
        assertNull(ev.evaluate("System.out.println(\"second cell\");", second).error());
        release.countDown();
        assertTrue(printed.await(30, TimeUnit.SECONDS), "background thread did not print");
        String firstOut = first.stdout();
        assertTrue(firstOut.contains("first cell\n") && firstOut.contains("early line\n") && firstOut.endsWith("late line\n"), firstOut);
        assertEquals("late err\n", first.stderr());
        assertEquals("second cell\n", second.stdout());
        assertEquals("", second.stderr());
    }

    @Test
    void theKernelsOwnThreadsAreNotCaptured() {
        RecordingCellOutput out = new RecordingCellOutput();
        ev.evaluate("System.out.print(\"cell\");", out);
        System.out.println("kernel log line (expected in the test log)");
        assertEquals("cell", out.stdout());
    }

    @Test
    void utf8ChunksHoldsBackSplitCharacters() {
        byte[] bytes = "a\u00e9\u20ac\uD83D\uDE00z".getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= bytes.length; split++) {
            Utf8Chunks d = new Utf8Chunks();
            String s = d.decode(bytes, 0, split) + d.decode(bytes, split, bytes.length - split);
            assertEquals("a\u00e9\u20ac\uD83D\uDE00z", s, "split at " + split);
        }
        assertFalse(new Utf8Chunks().decode(bytes, 0, 3).contains("\uFFFD"));
    }
}
