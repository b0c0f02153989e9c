package dev.jbox.kernel.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.ProcessState;
import dev.jbox.client.Sandbox;
import dev.jbox.kernel.eval.EvalResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Magics against the real local sandbox with real processes. */
class MagicsWithProcessesTest {

    @TempDir
    Path dir;

    private final JavaRecorder java = new JavaRecorder();
    private MagicEvaluator ev;

    private MagicEvaluator ev() {
        if (ev == null) ev = new MagicEvaluator(java, () -> Sandbox.local(LocalOptions.defaults().workDir(dir).killGrace(Duration.ofMillis(500))));
        return ev;
    }

    @AfterEach
    void close() {
        if (ev != null) ev.close();
    }

    private static void await(BooleanSupplier cond, String what) throws InterruptedException {
        for (int i = 0; i < 500 && !cond.getAsBoolean(); i++) Thread.sleep(20);
        assertTrue(cond.getAsBoolean(), "timed out waiting for " + what);
    }

    private static String text(EvalResult r) {
        assertFalse(r.isError(), () -> "unexpected error: " + r.error());
        return (String) r.value().data().get("text/plain");
    }

    @Test
    void bgReturnsAtOnceAndItsOutputKeepsComingIntoItsCell() throws Exception {
        RecordingCellOutput cell1 = new RecordingCellOutput();
        long t0 = System.nanoTime();
        EvalResult r = ev().evaluate("%bg --name ticker for i in 1 2 3; do echo tick $i; echo warn $i >&2; sleep 0.3; done", cell1);
        assertFalse(r.isError(), () -> String.valueOf(r.error()));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "returned at once");
        assertEquals(1, cell1.count("display"));
        String displayId = cell1.events().get(0).displayId();
        assertTrue(displayId.startsWith("jbox-ticker-"), displayId);
        RecordingCellOutput cell2 = new RecordingCellOutput();
        ev().evaluate("%sh sleep 0.4", cell2); // another cell runs meanwhile
        await(() -> cell1.text("stdout").equals("tick 1\ntick 2\ntick 3\n"), "all stdout in the first cell");
        assertEquals("warn 1\nwarn 2\nwarn 3\n", cell1.text("stderr"));
        assertEquals("", cell2.text("stdout"), "bg output never goes to another cell");
        await(() -> cell1.events().stream().anyMatch(e -> e.kind().equals("update")
                && ((String) e.bundle().data().get("text/plain")).contains("completed · exit 0")), "final panel update");
        String ps = text(ev().evaluate("%ps", new RecordingCellOutput()));
        assertTrue(ps.contains("ticker") && ps.contains("completed"), ps);
    }

    @Test
    void panelUpdatesGoThroughTheCellRunningNow() throws Exception {
        RecordingCellOutput origin = new RecordingCellOutput();
        ev().evaluate("%bg sleep 1.2", origin);
        RecordingCellOutput waiting = new RecordingCellOutput();
        String summary = text(ev().evaluate("%wait p1", waiting));
        assertTrue(summary.startsWith("p1: completed, exit code 0"), summary);
        assertTrue(waiting.count("update") >= 1, "the waiting cell carried the refreshes: " + waiting.events());
    }

    @Test
    void shStreamsAndFailsOnNonZeroExit() {
        RecordingCellOutput out = new RecordingCellOutput();
        EvalResult ok = ev().evaluate("!echo héllo; echo to-err >&2", out);
        assertFalse(ok.isError());
        assertEquals("héllo\n", out.text("stdout"));
        assertEquals("to-err\n", out.text("stderr"));
        EvalResult bad = ev().evaluate("%sh exit 3", new RecordingCellOutput());
        assertEquals("ShellError", bad.error().ename());
        assertEquals("command failed (failed, exit code 3): exit 3", bad.error().evalue());
        RecordingCellOutput quiet = new RecordingCellOutput();
        assertFalse(ev().evaluate("%sh --no-raise exit 4", quiet).isError());
        assertTrue(quiet.text("stderr").contains("exit code 4"), quiet.text("stderr"));
        RecordingCellOutput script = new RecordingCellOutput();
        assertFalse(ev().evaluate("%%sh\nx=41\necho $((x+1))\n", script).isError());
        assertEquals("42\n", script.text("stdout"));
    }

    @Test
    void interruptDuringShKillsTheTree() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        CompletableFuture<EvalResult> f = CompletableFuture.supplyAsync(
                () -> ev().evaluate("%sh sleep 60 & echo $! > " + pidFile + "; wait", new RecordingCellOutput()));
        await(() -> Files.exists(pidFile) && pidFile.toFile().length() > 0, "child started");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        ev().interrupt();
        EvalResult r = f.get(10, TimeUnit.SECONDS);
        assertEquals("Interrupted", r.error().ename());
        await(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true), "the child of the tree to die");
        assertFalse(java.interrupted, "the Java evaluator was not disturbed");
    }

    @Test
    void interruptDuringWaitStopsTheWaitNotTheProcess() throws Exception {
        ev().evaluate("%bg --name long sleep 30", new RecordingCellOutput());
        CompletableFuture<EvalResult> f = CompletableFuture.supplyAsync(() -> ev().evaluate("%wait long", new RecordingCellOutput()));
        Thread.sleep(300);
        ev().interrupt();
        EvalResult r = f.get(10, TimeUnit.SECONDS);
        assertEquals("Interrupted", r.error().ename());
        assertTrue(r.error().evalue().contains("still running: long"), r.error().evalue());
        assertEquals(ProcessState.RUNNING, SessionApi.jobs().get("long").state());
        String killed = text(ev().evaluate("%kill long", new RecordingCellOutput()));
        assertTrue(killed.startsWith("killed the process tree of long"), killed);
        String ps = text(ev().evaluate("%ps", new RecordingCellOutput()));
        assertTrue(ps.contains("killed"), ps);
    }

    @Test
    void waitShowsWhatArrivesMeanwhileAndHonoursTimeout() {
        ev().evaluate("%bg for i in 1 2 3; do echo line $i; sleep 0.2; done; exit 5", new RecordingCellOutput());
        RecordingCellOutput w = new RecordingCellOutput();
        String s = text(ev().evaluate("%wait p1", w));
        assertTrue(s.startsWith("p1: failed, exit code 5"), s);
        assertTrue(w.text("stdout").contains("line 3\n"), w.text("stdout"));
        ev().evaluate("%bg sleep 5", new RecordingCellOutput());
        String t = text(ev().evaluate("%wait p2 --timeout 300ms", new RecordingCellOutput()));
        assertTrue(t.contains("stopped waiting after 300ms; still running: p2"), t);
    }

    @Test
    void killLeavesNoProcessOfTheTree() throws Exception {
        Path pidFile = dir.resolve("pids");
        ev().evaluate("%bg (sleep 100 & echo $! >> " + pidFile + "; sleep 100 & echo $! >> " + pidFile + "; wait)", new RecordingCellOutput());
        await(() -> {
            try {
                return Files.exists(pidFile) && Files.readAllLines(pidFile).size() == 2;
            } catch (IOException e) {
                return false;
            }
        }, "two grandchildren");
        List<Long> pids = Files.readAllLines(pidFile).stream().map(Long::parseLong).toList();
        String killed = text(ev().evaluate("%kill --all", new RecordingCellOutput()));
        assertTrue(killed.contains("killed the process tree of p1"), killed);
        for (long pid : pids) await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "pid " + pid + " gone");
        assertTrue(text(ev().evaluate("%kill p1", new RecordingCellOutput())).contains("had already ended"));
    }

    @Test
    void stdinReachesTheProcess() throws Exception {
        RecordingCellOutput cell = new RecordingCellOutput();
        ev().evaluate("%bg --stdin --name rev tr a-z A-Z", cell);
        assertEquals("sent 12 bytes to rev", text(ev().evaluate("%stdin rev hello world", new RecordingCellOutput())));
        ev().evaluate("%stdin rev --eof", new RecordingCellOutput());
        await(() -> cell.text("stdout").equals("HELLO WORLD\n"), "echoed input");
        await(() -> SessionApi.jobs().get("rev").state() == ProcessState.COMPLETED, "exit after EOF");
    }

    @Test
    void unknownIdsAndBadOptionsAreOneLine() {
        EvalResult r = ev().evaluate("%logs p42", new RecordingCellOutput());
        assertEquals("MagicError", r.error().ename());
        assertEquals("no process 'p42' (none started yet)", r.error().evalue());
        ev().evaluate("%bg true", new RecordingCellOutput());
        assertEquals("no process 'p2' (did you mean p1?)", ev().evaluate("%kill p2", new RecordingCellOutput()).error().evalue());
        EvalResult bad = ev().evaluate("%wait p1 --timeout forever", new RecordingCellOutput());
        assertEquals("UsageError", bad.error().ename());
        assertEquals(1, bad.error().evalue().lines().count());
    }

    @Test
    void logsShowsAllOrPartsOfTheLog() throws Exception {
        ev().evaluate("%bg seq 1 1000; echo e1 >&2; echo e2 >&2", new RecordingCellOutput());
        ev().evaluate("%wait p1", new RecordingCellOutput());
        RecordingCellOutput all = new RecordingCellOutput();
        ev().evaluate("%logs p1", all);
        assertEquals(expectedSeq(1, 1000), all.text("stdout"));
        RecordingCellOutput tail = new RecordingCellOutput();
        ev().evaluate("%logs p1 --tail 3", tail);
        assertEquals("998\n999\n1000\n", tail.text("stdout"));
        RecordingCellOutput head = new RecordingCellOutput();
        ev().evaluate("%logs p1 --head 2 --both", head);
        assertEquals("1\n2\n", head.text("stdout"));
        assertEquals("e1\ne2\n", head.text("stderr"));
        RecordingCellOutput range = new RecordingCellOutput();
        ev().evaluate("%logs p1 --offset 2 --bytes 4", range);
        assertEquals("2\n3\n", range.text("stdout"));
    }

    @Test
    void rateLimitSkipsInTheCellButTheLogKeepsEverything() throws Exception {
        ev().evaluate("%config --rate-limit 16K", new RecordingCellOutput());
        RecordingCellOutput cell = new RecordingCellOutput();
        ev().evaluate("%bg head -c 2000000 /dev/zero | tr '\\0' x", cell);
        ev().evaluate("%wait p1", new RecordingCellOutput());
        await(() -> cell.text("stderr").contains("%logs p1 --offset"), "the skip notice");
        assertTrue(cell.text("stdout").length() < 200_000, "shown " + cell.text("stdout").length());
        String notice = cell.text("stderr");
        Matcher m = Pattern.compile("%logs p1 --offset (\\d+) --bytes (\\d+)").matcher(notice);
        long skipped = 0;
        while (m.find()) {
            RecordingCellOutput part = new RecordingCellOutput();
            ev().evaluate(m.group(0), part);
            assertEquals(Long.parseLong(m.group(2)), part.text("stdout").length(), "the notice's command shows exactly the skipped bytes");
            skipped += Long.parseLong(m.group(2));
        }
        assertEquals(2_000_000, cell.text("stdout").length() + skipped, "shown + skipped = written");
        RecordingCellOutput logs = new RecordingCellOutput();
        ev().evaluate("%logs p1", logs);
        assertEquals(2_000_000, logs.text("stdout").length());
    }

    @Test
    void javaStartedHandlesShowInPsAndJobs() throws Exception {
        RecordingCellOutput cell = new RecordingCellOutput();
        ev().evaluate("%env FROM_ENV=yes", cell);
        CommandHandle h = SessionApi.sandbox().commands().start("echo from java", ev().session().baseOptions().name("javajob"));
        h.waitFor(Duration.ofSeconds(10));
        String ps = text(ev().evaluate("%ps --all", new RecordingCellOutput()));
        assertTrue(ps.contains("javajob") && ps.contains("echo from java"), ps);
        assertTrue(SessionApi.jobs().containsKey("javajob"));
        assertEquals("from java\n", SessionApi.jobs().get("javajob").stdout());
        RecordingCellOutput env = new RecordingCellOutput();
        ev().evaluate("!echo $FROM_ENV", env);
        assertEquals("yes\n", env.text("stdout"));
        String json = (String) ev().evaluate("%ps --json", new RecordingCellOutput()).value().data().get("text/plain");
        assertTrue(json.contains("\"id\" : \"javajob\"") && json.contains("\"exitCode\" : 0"), json);
    }

    @Test
    void closeKillsEverything() throws Exception {
        ev().evaluate("%bg sleep 100", new RecordingCellOutput());
        ev().evaluate("%bg sleep 100", new RecordingCellOutput());
        List<Long> pids = SessionApi.sandbox().commands().list().stream().map(p -> p.pid()).toList();
        ev.close();
        ev = null;
        for (long pid : pids) await(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "pid " + pid + " gone");
    }

    @Test
    void fiftyConcurrentBackgroundProcesses() throws Exception {
        ev().evaluate("%config --rate-limit 0", new RecordingCellOutput());
        RecordingCellOutput[] cells = new RecordingCellOutput[50];
        for (int i = 0; i < 50; i++) {
            cells[i] = new RecordingCellOutput();
            assertFalse(ev().evaluate("%bg seq 1 2000", cells[i]).isError());
        }
        ev().evaluate("%wait --all", new RecordingCellOutput());
        String expected = expectedSeq(1, 2000);
        for (RecordingCellOutput c : cells) await(() -> c.text("stdout").equals(expected), "every cell has its full output");
    }

    private static String expectedSeq(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i <= to; i++) b.append(i).append('\n');
        return b.toString();
    }
}
