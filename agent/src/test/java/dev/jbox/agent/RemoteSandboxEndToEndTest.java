package dev.jbox.agent;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The remote backend against a real agent over real HTTP on loopback. */
class RemoteSandboxEndToEndTest {

    private AgentFixture agent;
    private RemoteSandbox sb;
    private final List<String> notices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void up() throws Exception {
        agent = new AgentFixture();
        sb = RemoteSandbox.connect(agent.url(), agent.token, RemoteOptions.defaults().keepalive(Duration.ofSeconds(1)).notices(notices::add));
    }

    @AfterEach
    void down() {
        sb.close();
        agent.close();
    }

    /** Collects a subscription's output per stream and its end. */
    static class Collector implements OutputListener {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<CommandResult> exit = new CompletableFuture<>();
        volatile long nextOut = -1;

        @Override
        public synchronized void onOutput(OutputChunk c) {
            if (c.stream() == StreamKind.STDOUT) {
                if (nextOut >= 0 && c.offset() != nextOut) throw new AssertionError("offset " + c.offset() + " != " + nextOut);
                nextOut = c.end();
                out.writeBytes(c.bytes());
            } else {
                err.writeBytes(c.bytes());
            }
        }

        @Override
        public void onExit(CommandResult result) {
            exit.complete(result);
        }

        @Override
        public void onError(Exception error) {
            exit.completeExceptionally(error);
        }

        synchronized String out() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void describesItselfAsAnAgent() {
        assertTrue(sb.canReplay());
        assertEquals("agent " + agent.url(), sb.describe());
    }

    @Test
    void runInForegroundCapturesOutputAndExitCode() {
        CommandResult r = sb.commands().run("echo out; echo err >&2; exit 4");
        assertEquals(ProcessState.FAILED, r.state(), "a non-zero exit is FAILED, as in the local backend");
        assertEquals(4, r.exitCode());
        assertEquals("out\n", r.stdout());
        assertEquals("err\n", r.stderr());
    }

    @Test
    void startStreamsLiveAndSubscriptionReplaysFromOffsets() throws Exception {
        CommandHandle h = sb.commands().start("for i in 1 2 3 4 5; do echo line$i; sleep 0.1; done", RunOptions.background().name("five"));
        Collector live = new Collector();
        try (Subscription s = h.subscribe(live)) {
            CommandResult r = live.exit.get(20, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode());
            assertEquals("line1\nline2\nline3\nline4\nline5\n", live.out());
            assertEquals(30, s.stdoutOffset());
        }
        Collector replay = new Collector();
        h.subscribe(12, 0, replay);
        replay.exit.get(10, TimeUnit.SECONDS);
        assertEquals("line3\nline4\nline5\n", replay.out());
        assertEquals("line2\n", h.readOutput(StreamKind.STDOUT, 6, 6).text());
        assertEquals("five", h.id());
    }

    @Test
    void bytesDroppedByTheAgentsLogCapArriveAsAGapNotSilently() throws Exception {
        try (AgentFixture capped = new AgentFixture(AgentServer.Config.loopback(0, "x"), 4096);
             RemoteSandbox s = RemoteSandbox.connect(capped.url(), capped.token, RemoteOptions.defaults().notices(notices::add))) {
            CommandHandle h = s.commands().start("head -c 100000 /dev/zero | tr '\\0' a; printf END");
            h.waitFor(Duration.ofSeconds(20));
            List<long[]> gaps = new CopyOnWriteArrayList<>();
            Collector c = new Collector() {
                @Override
                public void onGap(StreamKind stream, long offset, long missing) {
                    gaps.add(new long[] {offset, missing});
                }
            };
            h.subscribe(c);
            c.exit.get(20, TimeUnit.SECONDS);
            assertEquals(1, gaps.size(), "one gap notice");
            assertEquals(0, gaps.get(0)[0]);
            long kept = c.out.size();
            assertEquals(100003, gaps.get(0)[1] + kept, "gap + kept bytes = everything written");
            assertTrue(c.out().endsWith("aaaEND"), "the tail is kept");
        }
    }

    @Test
    void listIncludesEndedProcesses() throws Exception {
        CommandHandle done = sb.commands().start("exit 7", RunOptions.background().tag("jbox-test"));
        done.waitFor(Duration.ofSeconds(10));
        CommandHandle running = sb.commands().start("sleep 30");
        List<ProcessInfo> all = sb.commands().list();
        ProcessInfo ended = all.stream().filter(p -> p.pid() == done.pid()).findFirst().orElseThrow();
        assertEquals(ProcessState.FAILED, ended.state());
        assertEquals(7, ended.exitCode());
        assertEquals("jbox-test", ended.tag());
        ProcessInfo live = all.stream().filter(p -> p.pid() == running.pid()).findFirst().orElseThrow();
        assertEquals(ProcessState.RUNNING, live.state());
        assertTrue(running.kill());
        assertEquals(ProcessState.KILLED, running.waitFor(Duration.ofSeconds(10)).state());
        assertFalse(running.kill(), "a second kill finds it ended");
    }

    @Test
    void stdinIsForwardedAndClosed() throws Exception {
        CommandHandle h = sb.commands().start("cat; echo done", RunOptions.background().stdin(true));
        h.sendStdin("hello\n");
        h.sendStdin("world\n");
        h.closeStdin();
        CommandResult r = h.waitFor(Duration.ofSeconds(10));
        assertEquals(0, r.exitCode());
        assertEquals("hello\nworld\ndone\n", h.stdout());
    }

    @Test
    void killTakesTheWholeTreeDown() throws Exception {
        var pidFile = agent.root.resolve("child.pid");
        CommandHandle h = sb.commands().start("sleep 60 & echo $! > " + pidFile + "; wait");
        for (int i = 0; i < 100 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) Thread.sleep(50);
        long child = Long.parseLong(Files.readString(pidFile).trim());
        assertTrue(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(h.kill());
        assertTrue(h.waitFor(Duration.ofSeconds(10)).state().isFinal());
        for (int i = 0; i < 100 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(50);
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "child of the killed command survived");
    }

    @Test
    void aNewSessionReattachesAfterTheFirstOneWentAway() throws Exception {
        // what a kernel restart does: the first session closes without killing, the next one finds the process
        long pid;
        try (RemoteSandbox first = RemoteSandbox.connect(agent.url(), agent.token, RemoteOptions.defaults().killOnClose(false))) {
            CommandHandle h = first.commands().start("printf first; sleep 1; printf second", RunOptions.background().name("other"));
            pid = h.pid();
        }
        try (RemoteSandbox second = RemoteSandbox.connect(agent.url(), agent.token, RemoteOptions.defaults().killOnClose(false))) {
            ProcessInfo listed = second.commands().list().stream().filter(p -> p.pid() == pid).findFirst().orElseThrow();
            assertEquals("other", listed.id());
            assertEquals(ProcessState.RUNNING, listed.state(), "closing the first session did not kill it");
            CommandHandle again = second.commands().get("other").orElseThrow();
            assertEquals(pid, again.pid());
            CommandResult r = again.waitFor(Duration.ofSeconds(10));
            assertEquals(0, r.exitCode());
            assertEquals("firstsecond", again.stdout());
            assertEquals(11, r.stdoutBytes());
        }
    }

    @Test
    void closeKillsWhatTheSessionStartedButNotWhatItAttachedTo() throws Exception {
        CommandHandle foreign = sb.commands().start("sleep 30", RunOptions.background().name("foreign"));
        CommandHandle own;
        try (RemoteSandbox other = RemoteSandbox.connect(agent.url(), agent.token, RemoteOptions.defaults())) {
            other.commands().get("foreign").orElseThrow();
            own = other.commands().start("sleep 30");
        }
        long ownPid = own.pid();
        CommandHandle seen = sb.commands().get("pid" + ownPid).orElseThrow();
        assertEquals(ProcessState.KILLED, seen.waitFor(Duration.ofSeconds(10)).state(), "close() killed what the session started");
        assertEquals(ProcessState.RUNNING, foreign.state());
        assertTrue(foreign.kill());
    }

    @Test
    void badCommandsAndUnknownIdsAreOneLineErrors() {
        SandboxException e = assertThrows(SandboxException.class,
                () -> sb.commands().start("pwd", RunOptions.background().cwd("/nonexistent/dir")));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains("/nonexistent/dir"), e.getMessage());
        SandboxException dup = assertThrows(SandboxException.class, () -> {
            sb.commands().start("sleep 5", RunOptions.background().name("twice"));
            sb.commands().start("sleep 5", RunOptions.background().name("twice"));
        });
        assertTrue(dup.getMessage().contains("twice"), dup.getMessage());
        assertTrue(sb.commands().get("no-such-process").isEmpty());
        SandboxException wrong = assertThrows(SandboxException.class, () -> RemoteSandbox.connect(agent.url(), "wrong", RemoteOptions.defaults()));
        assertTrue(wrong.getMessage().contains("401"), wrong.getMessage());
    }

    @Test
    void keepalivesHoldASilentStreamLongerThanTheReadTimeout() throws Exception {
        // client keepalive 1 s -> read timeout 3 s; the process is silent for 4 s
        CommandHandle h = sb.commands().start("sleep 4; echo late");
        Collector c = new Collector();
        h.subscribe(c);
        assertEquals(0, c.exit.get(30, TimeUnit.SECONDS).exitCode());
        assertEquals("late\n", c.out());
        assertTrue(notices.isEmpty(), "no reconnect was needed: " + notices);
    }

    @Test
    void startReturnsWhileASilentProcessStillRuns() throws Exception {
        // default keepalive (15 s): nothing but the start event can wake the client up early
        try (RemoteSandbox quiet = RemoteSandbox.connect(agent.url(), agent.token, RemoteOptions.defaults())) {
            CommandHandle h = quiet.commands().start("sleep 8; echo late");
            assertEquals(ProcessState.RUNNING, h.state(), "start() must not wait for more output than the start event");
            assertEquals(ProcessState.RUNNING, quiet.commands().list().stream().filter(p -> p.pid() == h.pid()).findFirst().orElseThrow().state());
            assertTrue(h.kill());
        }
    }

    @Test
    void sandboxConnectFactoryWorks() {
        try (Sandbox s = Sandbox.connect(agent.url(), agent.token)) {
            assertEquals("ok\n", s.commands().run("echo ok").stdout());
            assertNotNull(s.describe());
        }
    }
}
