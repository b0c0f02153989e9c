package dev.jbox.kernel.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.kernel.display.RecordingCellOutput;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Interrupts on the JDK running the tests: loops, loops that swallow interrupts, sleeps, blocking stdin reads. */
class InterruptTest {

    /** The goal is 2 s; the assertion leaves room for a loaded machine so that it does not flake. */
    private static final Duration LIMIT = Duration.ofSeconds(5);

    private final JShellEvaluator ev = SharedEvaluator.get();

    /**
     * Runs {@code code} (statements) in one snippet after a start marker, so the interrupt finds it running rather than
     * before its snippet started; interrupts it once {@code blocking} holds and checks how long stopping took.
     */
    private EvalResult interrupted(String code, RecordingCellOutput out) throws Exception {
        return interrupted(code, out, () -> out.stdout().contains("started"));
    }

    private EvalResult interrupted(String code, RecordingCellOutput out, BooleanSupplier blocking) throws Exception {
        CompletableFuture<EvalResult> result = CompletableFuture.supplyAsync(
                () -> ev.evaluate("{ System.out.println(\"started\");\n" + code + "\n}", out));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!blocking.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "the cell did not start");
            assertTrue(!result.isDone(), () -> "the cell ended before it was interrupted: " + result.join());
            Thread.sleep(10);
        }
        Thread.sleep(50); // let it enter the loop, sleep or read
        long t0 = System.nanoTime();
        ev.interrupt();
        EvalResult r = result.get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("interrupt of %s took %d ms on Java %s%n", code.lines().findFirst().orElse(""),
                took.toMillis(), Runtime.version());
        assertTrue(took.compareTo(LIMIT) < 0, () -> "interrupt took " + took.toMillis() + " ms: " + code);
        return r;
    }

    private String value(String code) {
        EvalResult r = ev.evaluate(code, new RecordingCellOutput());
        assertTrue(!r.isError(), () -> "unexpected error " + r.error());
        return (String) r.value().data().get("text/plain");
    }

    @Test
    void interruptStopsAnInfiniteLoopAndKeepsVariables() throws Exception {
        ev.evaluate("long spins = 0;\nString keep = \"kept\";", new RecordingCellOutput());
        EvalResult r = interrupted("while (true) { spins++; }", new RecordingCellOutput());
        assertEquals("Interrupted", r.error().ename());
        assertEquals("\"kept\"", value("keep"));
        assertEquals("true", value("spins > 0"));
    }

    @Test
    void interruptStopsAnEmptyInfiniteLoop() throws Exception {
        ev.evaluate("int before = 41;", new RecordingCellOutput());
        EvalResult r = interrupted("while (true) {}", new RecordingCellOutput());
        assertEquals("Interrupted", r.error().ename());
        assertEquals("42", value("before + 1"));
    }

    @Test
    void interruptStopsALoopThatSwallowsInterrupts() throws Exception {
        EvalResult r = interrupted("while (true) { try { Thread.sleep(5); } catch (InterruptedException e) { } }", new RecordingCellOutput());
        assertEquals("Interrupted", r.error().ename());
        assertEquals("2", value("1 + 1"));
    }

    @Test
    void interruptStopsASleep() throws Exception {
        ev.evaluate("String beforeSleep = \"still here\";", new RecordingCellOutput());
        EvalResult r = interrupted("Thread.sleep(60000);", new RecordingCellOutput());
        assertEquals("Interrupted", r.error().ename());
        assertEquals("\"still here\"", value("beforeSleep"));
    }

    @Test
    void interruptStopsABlockingStdinRead() throws Exception {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult r = interrupted("new Scanner(System.in).nextLine();", out, () -> !out.prompts().isEmpty());
        assertEquals("Interrupted", r.error().ename());
        assertEquals(1, out.prompts().size());
        assertEquals("3", value("1 + 2"));
    }

    @Test
    void interruptStopsALoopInAMethodDefinedEarlier() throws Exception {
        ev.evaluate("void spinForever() { while (true) { } }", new RecordingCellOutput());
        EvalResult r = interrupted("spinForever();", new RecordingCellOutput());
        assertEquals("Interrupted", r.error().ename());
        assertEquals("5", value("2 + 3"));
    }

    @Test
    void interruptStopsOnlyTheRunningCellNotBackgroundThreadsOfEarlierCells() throws Exception {
        RecordingCellOutput background = new RecordingCellOutput();
        assertEquals(null, ev.evaluate("""
                var spinning = new java.util.concurrent.atomic.AtomicBoolean(true);
                var ticks = new java.util.concurrent.atomic.AtomicLong();
                Thread spinner = new Thread(() -> { while (spinning.get()) { ticks.incrementAndGet(); Thread.yield(); } });
                spinner.setDaemon(true);
                spinner.start();""", background).error());
        try {
            EvalResult r = interrupted("while (true) {}", new RecordingCellOutput());
            assertEquals("Interrupted", r.error().ename());
            assertEquals("true", value("spinner.isAlive()"), () -> "the background thread died: " + background.stderr());
            long before = Long.parseLong(value("ticks.get()"));
            Thread.sleep(50);
            assertTrue(Long.parseLong(value("ticks.get()")) > before, "the background thread stopped working");
            assertEquals("", background.stderr());
        } finally {
            ev.evaluate("spinning.set(false);\nspinner.join(5000);", new RecordingCellOutput());
        }
    }

    @Test
    void interruptWithNothingRunningDoesNotAffectTheNextCell() {
        ev.interrupt();
        assertEquals("4", value("2 + 2"));
    }

    /**
     * Snippets run on one kept thread (starting one per snippet cost 0.3-1.5 ms a cell), so a thread-local set in a
     * cell is there in the next, as on IPython's main thread. A forced stop may end that thread; the next cell runs
     * anyway, and no interrupt of an earlier cell reaches it.
     */
    @Test
    void cellsShareTheirThreadAndAForcedStopLeavesTheNextCellWorking() throws Exception {
        ev.evaluate("ThreadLocal<String> perThread = new ThreadLocal<>();", new RecordingCellOutput());
        ev.evaluate("perThread.set(\"kept\");", new RecordingCellOutput());
        assertEquals("\"kept\"", value("perThread.get()"));
        EvalResult r = interrupted("while (true) { }", new RecordingCellOutput());
        assertEquals("Interrupted", r.error().ename());
        assertEquals("false", value("Thread.currentThread().isInterrupted()"));
        assertEquals("6", value("2 * 3"));
        ev.interrupt(); // nothing runs: must not reach the next cell on the kept thread
        assertEquals("false", value("Thread.interrupted()"));
    }
}
