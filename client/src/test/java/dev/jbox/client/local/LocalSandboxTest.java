package dev.jbox.client.local;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.LogRead;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Signal;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;
import dev.jbox.client.UnknownProcessException;
import dev.jbox.client.Utf8Decoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The local backend against real processes. */
class LocalSandboxTest {

    static Sandbox sandbox;
    static Path stateDir;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws IOException {
        stateDir = Files.createTempDirectory("jbox-test-state-");
        sandbox = Sandbox.local(LocalOptions.defaults().stateDir(stateDir).killGrace(Duration.ofMillis(300)));
    }

    @AfterAll
    static void close() throws IOException {
        sandbox.close();
        try (var paths = Files.walk(stateDir)) { // a given state directory is kept by the sandbox: remove ours
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertFalse(Files.exists(stateDir));
    }

    @Test
    void forgetDropsAnEndedProcessAndItsLogsButNotARunningOne() throws Exception {
        CommandHandle done = sandbox.commands().start("seq 1 100000");
        done.waitFor();
        CommandHandle running = sandbox.commands().start("sleep 30");
        try {
            Path logDir = ((LocalSandbox) sandbox).stateDir();
            long logsBefore;
            try (var files = Files.list(logDir)) {
                logsBefore = files.filter(f -> f.getFileName().toString().contains("-" + done.id() + ".")).count();
            }
            assertTrue(logsBefore > 0, "the ended process has a log file");
            assertFalse(sandbox.commands().forget(running.id()), "a running process is kept");
            assertTrue(sandbox.commands().forget(done.id()));
            assertFalse(sandbox.commands().forget(done.id()), "already gone");
            assertTrue(sandbox.commands().get(done.id()).isEmpty());
            assertTrue(sandbox.commands().list().stream().noneMatch(p -> p.id().equals(done.id())));
            try (var files = Files.list(logDir)) {
                assertEquals(0, files.filter(f -> f.getFileName().toString().contains("-" + done.id() + ".")).count(), "its logs are deleted");
            }
            assertTrue(sandbox.commands().get(running.id()).isPresent());
        } finally {
            running.kill();
        }
    }

    // ---- output equality -------------------------------------------------------------------------------------

    @Test
    void textOutputIsLoggedAndDeliveredByteForByte() throws Exception {
        assertCapturedEqualsPrinted("seq 1 300000 | tee " + tmp.resolve("printed"), tmp.resolve("printed"));
    }

    @Test
    void binaryOutputIsLoggedAndDeliveredByteForByte() throws Exception {
        assertCapturedEqualsPrinted("head -c 3000000 /dev/urandom | tee " + tmp.resolve("printed"), tmp.resolve("printed"));
    }

    @Test
    void hundredMegabytesAreLoggedAndDeliveredByteForByte() throws Exception {
        assertCapturedEqualsPrinted("head -c 100000000 /dev/urandom | tee " + tmp.resolve("printed"), tmp.resolve("printed"));
    }

    private void assertCapturedEqualsPrinted(String command, Path printed) throws Exception {
        CommandHandle h = sandbox.commands().start(command);
        Recorder live = new Recorder(0, 0, false);
        h.subscribe(live);
        CommandResult r = h.waitFor(Duration.ofSeconds(60));
        assertEquals(ProcessState.COMPLETED, r.state(), h.stderr());
        byte[] expected = sha256(printed);
        assertEquals(Files.size(printed), r.stdoutBytes());
        assertArrayEquals(expected, sha256Log(h, StreamKind.STDOUT), "log differs from what the process printed");
        live.awaitExit();
        assertArrayEquals(expected, live.digest(StreamKind.STDOUT), "subscription differs from what the process printed");
        Recorder late = new Recorder(0, 0, false);
        h.subscribe(late);
        late.awaitExit();
        assertArrayEquals(expected, late.digest(StreamKind.STDOUT), "late subscription differs");
    }

    // ---- subscriptions ---------------------------------------------------------------------------------------

    @Test
    void lateSubscriberGetsEverythingThenLiveOutputThenExit() throws Exception {
        CommandHandle h = sandbox.commands().start("while read line; do echo \"out $line\"; echo \"err $line\" >&2; done",
                RunOptions.background().stdin(true));
        h.sendStdin("1\n2\n");
        awaitBytes(h, StreamKind.STDERR, 12);
        Recorder r = new Recorder();
        try (Subscription s = h.subscribe(r)) {
            awaitDelivered(r, StreamKind.STDOUT, 12);
            h.sendStdin("3\n");
            awaitDelivered(r, StreamKind.STDERR, 18);
            h.closeStdin();
            CommandResult end = r.awaitExit();
            assertEquals(0, end.exitCode());
            assertEquals("out 1\nout 2\nout 3\n", r.text(StreamKind.STDOUT));
            assertEquals("err 1\nerr 2\nerr 3\n", r.text(StreamKind.STDERR));
            assertEquals(18, s.stdoutOffset());
            assertEquals(18, s.stderrOffset());
        }
    }

    @Test
    void resumesFromOffsetsWithoutDuplicatesOrGaps() throws Exception {
        CommandHandle h = sandbox.commands().start("for i in $(seq 1 2000); do echo line$i; echo e$i >&2; done");
        Recorder first = new Recorder();
        h.subscribe(first);
        first.awaitExit();
        String out = first.text(StreamKind.STDOUT);
        String err = first.text(StreamKind.STDERR);
        for (long cut : new long[]{0, 1, 7, 4096, out.length() - 1, out.length()}) {
            long errCut = Math.min(cut / 2, err.length());
            Recorder r = new Recorder(cut, errCut, true);
            h.subscribe(cut, errCut, r);
            r.awaitExit();
            assertEquals(out.substring((int) cut), r.text(StreamKind.STDOUT));
            assertEquals(err.substring((int) errCut), r.text(StreamKind.STDERR));
        }
        LogRead part = h.readOutput(StreamKind.STDOUT, 6, 6);
        assertEquals("line2\n", part.text());
        assertEquals(out.length(), part.end());
        assertEquals(out, h.stdout());
    }

    @Test
    void slowSubscriberDoesNotBlockTheProcess() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Recorder inner = new Recorder(0, 0, false);
        CommandHandle h = sandbox.commands().start("head -c 20000000 /dev/zero");
        h.subscribe(chunk -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inner.onOutput(chunk);
        });
        CommandResult r = h.waitFor(Duration.ofSeconds(30));
        assertEquals(ProcessState.COMPLETED, r.state(), "the process ended although its only subscriber is stuck");
        assertEquals(20_000_000, r.stdoutBytes());
        assertEquals(0, inner.delivered(StreamKind.STDOUT));
        release.countDown();
    }

    @Test
    void utf8SplitAcrossChunksDecodesCorrectly() throws Exception {
        CommandHandle h = sandbox.commands().start("printf 'a\\xe2\\x82'; sleep 0.3; printf '\\xac b \\xf0\\x9f'; sleep 0.3; printf '\\x98\\x80\\n'");
        List<OutputChunk> seen = new ArrayList<>();
        Utf8Decoder decoder = new Utf8Decoder();
        StringBuilder text = new StringBuilder();
        Recorder r = new Recorder() {
            @Override
            public synchronized void onOutput(OutputChunk c) {
                super.onOutput(c);
                seen.add(c);
                text.append(decoder.decode(c));
            }
        };
        h.subscribe(r);
        r.awaitExit();
        // Live, the pauses make the process write (and usually us deliver) the characters in pieces.
        assertEquals("a€ b 😀\n", text.toString() + decoder.finish(), "chunks: " + seen.size());
        assertEquals("a€ b 😀\n", h.stdout());
        // Deterministically: chunks of 1 and 2 bytes from the log split every multi-byte character.
        for (int size : new int[]{1, 2}) {
            Utf8Decoder d = new Utf8Decoder();
            StringBuilder sb = new StringBuilder();
            long offset = 0;
            for (LogRead piece; (piece = h.readOutput(StreamKind.STDOUT, offset, size)).bytes().length > 0; offset += piece.bytes().length) {
                sb.append(d.decode(piece.bytes()));
            }
            assertEquals("a€ b 😀\n", sb + d.finish());
        }
    }

    @Test
    void carriageReturnProgressOutputIsKept() throws Exception {
        CommandResult r = sandbox.commands().run("for i in 10 50 100; do printf '\\rprogress %s%%' $i; done; echo");
        assertEquals("\rprogress 10%\rprogress 50%\rprogress 100%\n", r.stdout());
    }

    @Test
    void logCapDropsOldestBytesAndReportsTheGap() throws Exception {
        try (Sandbox capped = Sandbox.local(LocalOptions.defaults().logCapBytes(1000))) {
            CommandHandle h = capped.commands().start("seq 1 2000"); // 8893 bytes
            CommandResult end = h.waitFor(Duration.ofSeconds(10));
            assertEquals(8893, end.stdoutBytes());
            Recorder r = new Recorder();
            h.subscribe(r);
            r.awaitExit();
            assertEquals(8893 - 1000, r.gaps[0]);
            String all = sandbox.commands().run("seq 1 2000").stdout();
            assertEquals(all.substring(8893 - 1000), r.text(StreamKind.STDOUT));
            assertEquals(all.substring(8893 - 1000), h.stdout());
            LogRead read = h.readOutput(StreamKind.STDOUT, 0, 10);
            assertEquals(7893, read.skipped());
            assertEquals(7893, read.offset());
        }
    }

    // ---- exit codes and states -------------------------------------------------------------------------------

    @Test
    void exitCodesAndStates() {
        CommandResult ok = sandbox.commands().run("echo hi");
        assertEquals(ProcessState.COMPLETED, ok.state());
        assertEquals(0, ok.exitCode());
        assertTrue(ok.ok());
        assertEquals("hi\n", ok.stdout());
        CommandResult three = sandbox.commands().run("echo oops >&2; exit 3");
        assertEquals(ProcessState.FAILED, three.state());
        assertEquals(3, three.exitCode());
        assertEquals("oops\n", three.stderr());
        assertEquals(5, three.stderrBytes());
        assertEquals(255, sandbox.commands().run("exit 255").exitCode());
        CommandResult notFound = sandbox.commands().run("no-such-command-jbox --flag");
        assertEquals(ProcessState.FAILED, notFound.state());
        assertEquals(127, notFound.exitCode());
        assertTrue(notFound.stderr().contains("no-such-command-jbox: command not found"), notFound.stderr());
        CommandResult selfKilled = sandbox.commands().run("kill -9 $$");
        assertEquals(137, selfKilled.exitCode());
        assertEquals(ProcessState.FAILED, selfKilled.state());
    }

    @Test
    void argvRunsWithoutShellAndMissingProgramFails() {
        CommandResult r = sandbox.commands().run("", RunOptions.background().argv(List.of("printf", "%s|", "a b", "$HOME")));
        assertEquals("a b|$HOME|", r.stdout());
        CommandResult missing = sandbox.commands().run("", RunOptions.background().argv(List.of("/no/such/program")));
        assertEquals(ProcessState.FAILED, missing.state());
        assertEquals(127, missing.exitCode());
        assertTrue(missing.stderr().contains("/no/such/program"), missing.stderr());
    }

    @Test
    void environmentWorkingDirectoryNameAndTag() throws Exception {
        Files.writeString(tmp.resolve("marker"), "x");
        CommandHandle h = sandbox.commands().start("echo $GREETING; ls",
                RunOptions.background().env("GREETING", "hello there").cwd(tmp.toString()).name("envtest").tag("t1"));
        assertEquals("envtest", h.id());
        h.waitFor();
        assertEquals("hello there\nmarker\n", h.stdout());
        ProcessInfo info = sandbox.commands().get("envtest").orElseThrow().info();
        assertEquals("envtest", info.name());
        assertEquals("t1", info.tag());
        assertEquals(tmp.toString(), info.cwd());
        assertEquals(ProcessState.COMPLETED, info.state());
        assertTrue(sandbox.commands().list().stream().anyMatch(p -> p.id().equals("envtest")), "ended processes are listed");
        assertTrue(h.pid() > 0);
        assertTrue(info.endedAt() != null && info.exitCode() == 0);
    }

    @Test
    void sandboxEnvironmentAndWorkDirApplyToEveryCommandAndRunOptionsOverride() throws Exception {
        try (Sandbox own = Sandbox.local(LocalOptions.defaults().workDir(tmp).env("A", "sandbox").env("B", "sandbox"))) {
            CommandResult r = own.commands().run("echo $A $B; pwd", RunOptions.background().env("B", "command"));
            assertEquals("sandbox command\n" + tmp + "\n", r.stdout());
            assertTrue(own.describe().contains(tmp.toString()), own.describe());
            Files.createDirectory(tmp.resolve("sub"));
            assertEquals(tmp.resolve("sub") + "\n", own.commands().run("pwd", RunOptions.background().cwd("sub")).stdout(),
                    "a relative cwd is resolved against the sandbox's working directory");
        }
    }

    // ---- process trees ---------------------------------------------------------------------------------------

    @Test
    void killTakesTheWholeTree() throws Exception {
        CommandHandle h = sandbox.commands().start("sleep 1000 & echo $!; sleep 1000 & echo $!; wait");
        List<Long> children = awaitPids(h, 2);
        assertEquals(h.pid(), sessionOf(h.pid()), "the command leads its own session");
        assertTrue(h.kill());
        assertEquals(ProcessState.KILLED, h.state());
        assertEquals(143, h.exitCode());
        assertDead(h.pid(), children);
        assertFalse(h.kill(), "kill of an ended process returns false");
    }

    @Test
    void killEndsChildrenThatIgnoreTermAndChildrenInOtherSessions() throws Exception {
        CommandHandle h = sandbox.commands().start(
                "trap '' TERM; sleep 1000 & echo $!; setsid sleep 1000 & echo $!; "
                        + "bash -c 'trap \"\" TERM; while :; do sleep 0.05; done' & echo $!; wait");
        List<Long> children = awaitPids(h, 3);
        long t0 = System.nanoTime();
        assertTrue(sandbox.commands().kill(h.id()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(ProcessState.KILLED, h.state());
        assertDead(h.pid(), children);
        assertTrue(ms >= 250, "TERM was ignored, so KILL came after the grace period: " + ms + " ms");
    }

    @Test
    void backgroundChildHoldingTheOutputDoesNotHoldTheEndAndDiesWithKill() throws Exception {
        CommandHandle h = sandbox.commands().start("sleep 1000 & echo $!");
        CommandResult r = h.waitFor(Duration.ofSeconds(10));
        assertEquals(ProcessState.COMPLETED, r.state(), "ended when its main process exited");
        List<Long> child = awaitPids(h, 1);
        assertTrue(alive(child.get(0)), "a background child outlives its command until killed");
        assertFalse(h.kill(), "the command itself had ended");
        assertDead(h.pid(), child);
    }

    @Test
    void outputOfBackgroundChildrenAfterTheCommandEndedIsStillLogged() throws Exception {
        // The main process lives 50 ms: its reader threads must have started before it ends, or the JDK closes the
        // pipe at its exit (a limit of java.lang.Process; in practice a command lives far longer than that).
        CommandHandle h = sandbox.commands().start("(sleep 0.8; echo late; sleep 0.2; echo later) & echo early; sleep 0.05");
        CommandResult r = h.waitFor(Duration.ofSeconds(10));
        assertEquals(ProcessState.COMPLETED, r.state());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!h.stdout().equals("early\nlate\nlater\n")) {
            if (System.nanoTime() > deadline) fail("background output lost: " + h.stdout());
            Thread.sleep(10);
        }
    }

    @Test
    void timeoutKillsTheTree() throws Exception {
        CommandHandle h = sandbox.commands().start("sleep 1000 & echo $!; wait",
                RunOptions.background().timeout(Duration.ofMillis(800)));
        List<Long> children = awaitPids(h, 1);
        CommandResult r = h.waitFor(Duration.ofSeconds(10));
        assertEquals(ProcessState.TIMED_OUT, r.state());
        assertTrue(r.error().contains("timed out"), r.error());
        assertDead(h.pid(), children);
    }

    @Test
    void signalReachesTheTree() throws Exception {
        CommandHandle h = sandbox.commands().start("trap 'echo got USR1; exit 0' USR1; echo ready; while :; do sleep 0.05; done");
        awaitBytes(h, StreamKind.STDOUT, 6);
        h.signal(Signal.USR1);
        CommandResult r = h.waitFor(Duration.ofSeconds(10));
        assertEquals("ready\ngot USR1\n", h.stdout());
        assertEquals(ProcessState.COMPLETED, r.state());
        CommandHandle t = sandbox.commands().start("sleep 1000");
        t.signal(Signal.TERM);
        assertEquals(ProcessState.KILLED, t.waitFor(Duration.ofSeconds(10)).state());
        assertThrows(SandboxException.class, () -> t.signal(Signal.TERM));
    }

    @Test
    void closingTheSandboxKillsEverythingAndRefusesNewCommands() throws Exception {
        Sandbox own = Sandbox.local(LocalOptions.defaults().killGrace(Duration.ofMillis(200)));
        List<CommandHandle> handles = new ArrayList<>();
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CommandHandle h = own.commands().start("sleep 1000 & echo $!; wait");
            handles.add(h);
        }
        for (CommandHandle h : handles) {
            pids.addAll(awaitPids(h, 1));
            pids.add(h.pid());
        }
        CommandHandle leaver = own.commands().start("sleep 1000 & echo $!");
        assertEquals(ProcessState.COMPLETED, leaver.waitFor(Duration.ofSeconds(10)).state());
        List<Long> leftover = awaitPids(leaver, 1);
        pids.addAll(leftover);
        Recorder r = new Recorder();
        handles.get(0).subscribe(r);
        own.close();
        assertEquals(ProcessState.COMPLETED, leaver.state(), "an ended command keeps its state; only its leftover child was killed");
        for (CommandHandle h : handles) assertEquals(ProcessState.KILLED, h.state());
        assertDead(-1, pids);
        assertEquals(ProcessState.KILLED, r.awaitExit(Duration.ofSeconds(5)).state());
        SandboxException e = assertThrows(SandboxException.class, () -> own.commands().start("true"));
        assertEquals("the sandbox is closed", e.getMessage());
        own.close(); // idempotent
    }

    @Test
    void interruptingAForegroundRunKillsIt() throws Exception {
        SandboxException[] thrown = new SandboxException[1];
        Thread t = new Thread(() -> {
            try {
                sandbox.commands().run("echo started; sleep 1000", RunOptions.background().name("fg-interrupt"));
            } catch (SandboxException e) {
                thrown[0] = e;
            }
        });
        t.start();
        CommandHandle h = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h == null || h.stdout().isEmpty()) {
            if (System.nanoTime() > deadline) fail("foreground command did not start");
            Thread.sleep(5);
            h = sandbox.commands().get("fg-interrupt").orElse(null);
        }
        t.interrupt();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertTrue(thrown[0] != null && thrown[0].getMessage().contains("was killed"), String.valueOf(thrown[0]));
        assertEquals(ProcessState.KILLED, h.state());
    }

    @Test
    void anInterruptWhileAForegroundRunStartsKillsTheCommandInsteadOfLeavingItRunning() {
        Thread.currentThread().interrupt(); // arrives before the supervisor has answered "started"
        SandboxException e = assertThrows(SandboxException.class,
                () -> sandbox.commands().run("sleep 1000", RunOptions.background().name("fg-interrupt-early")));
        assertTrue(Thread.interrupted(), "the interrupt stays set for the caller");
        assertTrue(e.getMessage().contains("was killed"), e.getMessage());
        CommandHandle h = sandbox.commands().get("fg-interrupt-early").orElseThrow();
        assertEquals(ProcessState.KILLED, h.state());
        assertFalse(ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false), "no orphan left running");
    }

    // ---- stdin -----------------------------------------------------------------------------------------------

    @Test
    void stdinRoundTrip() throws Exception {
        CommandHandle h = sandbox.commands().start("cat; echo done", RunOptions.background().stdin(true));
        byte[] binary = new byte[100_000];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
        h.sendStdin("hello\n");
        h.sendStdin(binary);
        h.closeStdin();
        CommandResult r = h.waitFor(Duration.ofSeconds(10));
        assertEquals(0, r.exitCode());
        assertEquals(6 + binary.length + 5, r.stdoutBytes());
        LogRead back = h.readOutput(StreamKind.STDOUT, 6, binary.length);
        assertArrayEquals(binary, back.bytes());
        SandboxException ended = assertThrows(SandboxException.class, () -> h.sendStdin("x"));
        assertEquals("process " + h.id() + " has already ended", ended.getMessage());
        CommandHandle open = sandbox.commands().start("cat", RunOptions.background().stdin(true));
        open.closeStdin();
        SandboxException closed = assertThrows(SandboxException.class, () -> open.sendStdin("x"));
        assertTrue(closed.getMessage().equals("stdin of process " + open.id() + " is closed")
                || closed.getMessage().equals("process " + open.id() + " has already ended"), closed.getMessage());
        assertEquals(0, open.waitFor(Duration.ofSeconds(10)).exitCode());
    }

    @Test
    void stdinToAProcessThatDoesNotReadNeverBlocksTheCaller() throws Exception {
        CommandHandle h = sandbox.commands().start("sleep 1000", RunOptions.background().stdin(true));
        byte[] mb = new byte[1 << 20];
        SandboxException full = null;
        for (int i = 0; i < 20 && full == null; i++) {
            try {
                h.sendStdin(mb);
            } catch (SandboxException e) {
                full = e;
            }
        }
        assertTrue(full != null && full.getMessage().startsWith("stdin of process " + h.id() + " is full"), String.valueOf(full));
        assertTrue(h.kill());
        assertEquals("process " + h.id() + " has already ended",
                assertThrows(SandboxException.class, () -> h.sendStdin("x")).getMessage());
    }

    // ---- concurrency -----------------------------------------------------------------------------------------

    @Test
    void twoHundredConcurrentProcessesFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<CommandHandle>> started = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                started.add(pool.submit(() -> sandbox.commands().start("echo out" + n + "; echo err" + n + " >&2; sleep 0.2")));
            }
            List<CommandHandle> handles = new ArrayList<>();
            for (Future<CommandHandle> f : started) handles.add(f.get(60, TimeUnit.SECONDS));
            assertEquals(200, handles.stream().map(CommandHandle::id).distinct().count(), "ids are unique");
            List<Future<?>> checks = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                CommandHandle h = handles.get(i);
                int n = i;
                checks.add(pool.submit(() -> {
                    Recorder r = new Recorder();
                    h.subscribe(r);
                    CommandResult end = r.awaitExit(Duration.ofSeconds(60));
                    assertEquals(ProcessState.COMPLETED, end.state());
                    assertEquals("out" + n + "\n", r.text(StreamKind.STDOUT));
                    assertEquals("err" + n + "\n", h.stderr());
                    return null;
                }));
            }
            for (Future<?> f : checks) f.get(90, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void manyProcessesKilledFromManyThreadsAtOnce() throws Exception {
        List<CommandHandle> handles = new ArrayList<>();
        for (int i = 0; i < 40; i++) handles.add(sandbox.commands().start("sleep 1000 & wait"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> kills = new ArrayList<>();
            for (CommandHandle h : handles) {
                kills.add(pool.submit(h::kill));
                kills.add(pool.submit(() -> sandbox.commands().kill(h.id()))); // the same process, twice at once
            }
            for (Future<Boolean> f : kills) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        for (CommandHandle h : handles) {
            assertEquals(ProcessState.KILLED, h.state());
            assertDead(h.pid(), List.of());
        }
    }

    // ---- bad input -------------------------------------------------------------------------------------------

    @Test
    void badInputGetsOneClearError() throws Exception {
        SandboxException cwd = assertThrows(SandboxException.class,
                () -> sandbox.commands().start("true", RunOptions.background().cwd("/no/such/dir")));
        assertEquals("working directory /no/such/dir does not exist", cwd.getMessage());
        Path file = Files.writeString(tmp.resolve("f"), "");
        assertEquals("working directory " + file + " is not a directory",
                assertThrows(SandboxException.class, () -> sandbox.commands().start("true", RunOptions.background().cwd(file.toString()))).getMessage());
        assertEquals("no process 'p999999' in this sandbox",
                assertThrows(UnknownProcessException.class, () -> sandbox.commands().kill("p999999")).getMessage());
        assertTrue(sandbox.commands().get("p999999").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> RunOptions.background().timeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> RunOptions.background().name("bad name!"));
        assertThrows(IllegalArgumentException.class, () -> RunOptions.background().env("A=B", "x"));
        assertThrows(IllegalArgumentException.class, () -> RunOptions.background().argv(List.of()));
        assertThrows(IllegalArgumentException.class, () -> LocalOptions.defaults().logCapBytes(-1));
        assertEquals("command must not be empty",
                assertThrows(IllegalArgumentException.class, () -> sandbox.commands().start("  ")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> sandbox.commands().start("true", RunOptions.background().env("X", "a\0b")));

        CommandHandle noStdin = sandbox.commands().start("sleep 1000");
        SandboxException stdin = assertThrows(SandboxException.class, () -> noStdin.sendStdin("x"));
        assertEquals("process " + noStdin.id() + " was started without stdin; start it with RunOptions.stdin(true) (magics: --stdin)",
                stdin.getMessage());
        assertThrows(IllegalArgumentException.class, () -> noStdin.readOutput(StreamKind.STDOUT, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> noStdin.subscribe(-1, 0, c -> { }));

        CommandHandle named = sandbox.commands().start("sleep 1000", RunOptions.background().name("dup"));
        SandboxException dup = assertThrows(SandboxException.class,
                () -> sandbox.commands().start("true", RunOptions.background().name("dup")));
        assertTrue(dup.getMessage().startsWith("name 'dup' is already used by a running process"), dup.getMessage());
        named.kill();
        CommandHandle reused = sandbox.commands().start("true", RunOptions.background().name("dup"));
        assertEquals(ProcessState.COMPLETED, reused.waitFor(Duration.ofSeconds(10)).state());
        assertTrue(noStdin.kill());
        CommandResult running = sandbox.commands().start("sleep 1000").waitFor(Duration.ofMillis(50));
        assertEquals(ProcessState.RUNNING, running.state());
        assertNull(running.exitCode());
        sandbox.commands().kill(running.id());
        assertThrows(SandboxException.class, () -> Sandbox.local(LocalOptions.defaults().workDir(Path.of("/no/such/work"))));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    static byte[] sha256(Path file) throws IOException {
        MessageDigest md = Recorder.sha();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return md.digest();
    }

    static byte[] sha256Log(CommandHandle h, StreamKind s) {
        MessageDigest md = Recorder.sha();
        long offset = 0;
        for (;;) {
            LogRead r = h.readOutput(s, offset, 1 << 20);
            assertEquals(0, r.skipped());
            if (r.bytes().length == 0) break;
            md.update(r.bytes());
            offset += r.bytes().length;
        }
        return md.digest();
    }

    static void awaitBytes(CommandHandle h, StreamKind s, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.readOutput(s, 0, 0).end() < n) {
            if (System.nanoTime() > deadline) fail("no " + n + " bytes of " + s + " within 10 s");
            Thread.sleep(5);
        }
    }

    static void awaitDelivered(Recorder r, StreamKind s, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (r.delivered(s) < n) {
            if (System.nanoTime() > deadline) fail("not delivered: " + n + " bytes of " + s);
            Thread.sleep(5);
        }
    }

    /** Waits for {@code n} pids printed one per line by the command. */
    static List<Long> awaitPids(CommandHandle h, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (;;) {
            String[] lines = h.stdout().split("\n");
            if (h.stdout().endsWith("\n") && lines.length >= n) {
                List<Long> pids = new ArrayList<>();
                for (String l : lines) pids.add(Long.parseLong(l.trim()));
                return pids;
            }
            if (System.nanoTime() > deadline) fail("pids not printed: " + h.stdout());
            Thread.sleep(5);
        }
    }

    static void assertDead(long leader, List<Long> pids) {
        for (long p : pids) assertFalse(alive(p), "process " + p + " survived");
        if (leader > 0) {
            assertFalse(alive(leader), "leader survived");
            assertEquals(List.of(), sessionMembers(leader), "members of the session survived");
        }
    }

    /** Alive and not a zombie (PID 1 here may not reap orphans). */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
    }

    static List<Long> sessionMembers(long sid) {
        List<Long> found = new ArrayList<>();
        try (var dir = Files.list(Path.of("/proc"))) {
            dir.forEach(p -> {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) return;
                long pid = Long.parseLong(name);
                try {
                    if (sessionOf(pid) == sid && alive(pid)) found.add(pid);
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }
}
