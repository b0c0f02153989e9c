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
import dev.jbox.client.UnknownProcessException;
import dev.jbox.client.remote.hopx.HopxOptions;
import dev.jbox.client.remote.hopx.HopxSandbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Sandbox.hopx} end to end: a stand-in for HopX's control API and token checks ({@link HopxStandIn}) in front
 * of a real {@code jbox agent}, real processes, real HTTP on loopback.
 */
class HopxBackendTest {

    private AgentFixture agent;
    private HopxStandIn hopx;
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private Path logRoot;

    @BeforeEach
    void up() throws IOException {
        agent = new AgentFixture();
        hopx = new HopxStandIn(agent);
        logRoot = Files.createTempDirectory("jbox-hopx-logs");
    }

    @AfterEach
    void down() {
        hopx.close();
        agent.close();
    }

    private HopxOptions options() {
        return HopxOptions.fromEnv(Map.of()).apiKey(HopxStandIn.KEY).baseUrl(hopx.url()).template("code-interpreter")
                .timeout(Duration.ofMinutes(7)).logRoot(logRoot.toString()).notices(notices::add);
    }

    /** Collects what a subscription delivers, per stream, and its end. */
    private static final class Collector implements OutputListener {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CountDownLatch ended = new CountDownLatch(1);
        final long[] next = {-1, -1};
        volatile CommandResult result;
        volatile Exception error;
        volatile String disorder;

        @Override
        public synchronized void onOutput(OutputChunk c) {
            int i = c.stream().ordinal();
            if (next[i] >= 0 && c.offset() != next[i]) disorder = c.stream() + " chunk at " + c.offset() + ", expected " + next[i];
            next[i] = c.end();
            (c.stream() == StreamKind.STDOUT ? out : err).writeBytes(c.bytes());
        }

        @Override
        public void onExit(CommandResult r) {
            result = r;
            ended.countDown();
        }

        @Override
        public void onError(Exception e) {
            error = e;
            ended.countDown();
        }

        CommandResult await() throws InterruptedException {
            assertTrue(ended.await(30, TimeUnit.SECONDS), "the subscription ended");
            assertEquals(null, error);
            assertEquals(null, disorder);
            return result;
        }

        synchronized String stdout() {
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static ProcessInfo find(Sandbox sb, String id) {
        return sb.commands().list().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id));
    }

    @Test
    void theCompleteExampleFlow() throws Exception {
        Path marker = agent.root.resolve("child-of-the-long-one");
        try (Sandbox sb = Sandbox.hopx(options())) {
            assertEquals("code-interpreter", hopx.created.get(0).get("template_name").asText());
            assertEquals(420, hopx.created.get(0).get("timeout_seconds").asLong());
            assertTrue(sb.describe().startsWith("hopx sandbox sbx"), sb.describe());

            List<String> names = List.of("data-processing", "ml-training", "report-generation");
            List<Collector> outputs = new ArrayList<>();
            List<CommandHandle> tasks = new ArrayList<>();
            for (String name : names) {
                CommandHandle h = sb.commands().start("for i in 1 2 3; do echo \"$TASK_NAME step $i\"; sleep 0.1; done",
                        RunOptions.background().name(name).timeout(Duration.ofMinutes(10)).env("TASK_NAME", name));
                assertEquals(name, h.id());
                Collector c = new Collector();
                h.subscribe(c);
                tasks.add(h);
                outputs.add(c);
            }
            CommandHandle failing = sb.commands().start("echo 'cannot open data.csv' >&2; exit 3", RunOptions.background().name("broken"));
            CommandHandle longOne = sb.commands().start("(while true; do touch " + marker + "; sleep 0.05; done) & sleep 600",
                    RunOptions.background().name("server"));

            for (int i = 0; i < names.size(); i++) {
                CommandResult r = outputs.get(i).await();
                assertEquals(ProcessState.COMPLETED, r.state());
                String n = names.get(i);
                assertEquals(n + " step 1\n" + n + " step 2\n" + n + " step 3\n", outputs.get(i).stdout(), "every line, once, in order");
                assertEquals(outputs.get(i).stdout().length(), r.stdoutBytes());
            }
            CommandResult failed = failing.waitFor(Duration.ofSeconds(30));
            assertEquals(ProcessState.FAILED, failed.state());
            assertEquals(3, failed.exitCode());
            assertEquals("cannot open data.csv\n", failing.stderr());

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(marker) && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(Files.exists(marker), "the long one's child runs");
            assertTrue(longOne.kill());
            assertEquals(ProcessState.KILLED, longOne.state());
            Files.delete(marker);
            Thread.sleep(300);
            assertFalse(Files.exists(marker), "its whole tree is gone");

            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (find(sb, "server").backendState() == null || find(sb, "server").backendState().equals("running")) {
                assertTrue(System.nanoTime() < deadline, "HopX's state of the killed one");
                Thread.sleep(50);
            }
            assertEquals("killed", find(sb, "server").backendState());
            for (String n : names) {
                ProcessInfo p = find(sb, n);
                assertEquals("completed", p.backendState(), "HopX's own state names");
                assertEquals(ProcessState.COMPLETED, p.state());
                assertEquals(Map.of("TASK_NAME", n), p.env());
            }
            ProcessInfo broken = find(sb, "broken");
            assertEquals("failed", broken.backendState());
            assertEquals(3, broken.exitCode());
            assertEquals("echo 'cannot open data.csv' >&2; exit 3", broken.command());
        }
        assertEquals("DELETE", hopx.calls.get(hopx.calls.size() - 1).split(" ")[0], "created, so deleted on close: " + hopx.calls);
    }

    @Test
    void outputIsByteExactAndLateSubscribersGetItAll() throws Exception {
        Path printed = agent.root.resolve("printed");
        try (Sandbox sb = Sandbox.hopx(options())) {
            CommandHandle h = sb.commands().start("head -c 1500000 /dev/urandom | tee " + printed + "; echo done >&2");
            Collector live = new Collector();
            h.subscribe(live);
            CommandResult r = live.await();
            byte[] expected = Files.readAllBytes(printed);
            assertEquals(1_500_000, expected.length);
            assertArrayEquals(expected, live.out.toByteArray(), "binary output, byte for byte, across polls of at most 1 MiB each");
            assertEquals("done\n", live.err.toString());
            assertEquals(1_500_000, r.stdoutBytes());

            Collector late = new Collector();
            h.subscribe(0, 0, late);
            late.await();
            assertArrayEquals(expected, late.out.toByteArray(), "a late subscriber replays the whole log");
            Collector tail = new Collector();
            h.subscribe(1_499_990, 0, tail);
            tail.await();
            assertEquals(10, tail.out.size());
            assertEquals(7, h.readOutput(StreamKind.STDOUT, 100, 7).bytes().length);
            assertEquals(1_500_000, h.readOutput(StreamKind.STDOUT, 0, 0).end());
        }
    }

    @Test
    void runTimeoutAndArgv() throws Exception {
        try (Sandbox sb = Sandbox.hopx(options())) {
            CommandResult r = sb.commands().run("echo $GREETING; pwd; exit 4", RunOptions.background().env("GREETING", "hi").cwd(agent.root.toString()));
            assertEquals("hi\n" + agent.root.toRealPath() + "\n", r.stdout());
            assertEquals(4, r.exitCode());
            assertEquals(ProcessState.FAILED, r.state());

            CommandResult argv = sb.commands().run("", RunOptions.background().argv(List.of("printf", "%s|", "it's", "a b")));
            assertEquals("it's|a b|", argv.stdout(), "argv words reach the program as they are");

            long t0 = System.nanoTime();
            CommandHandle slow = sb.commands().start("echo started; sleep 60", RunOptions.background().timeout(Duration.ofSeconds(1)));
            CommandResult timedOut = slow.waitFor(Duration.ofSeconds(30));
            assertEquals(ProcessState.TIMED_OUT, timedOut.state());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos());
            assertEquals("started\n", slow.stdout());

            SandboxException noStdin = assertThrows(SandboxException.class, () -> sb.commands().start("cat", RunOptions.background().stdin(true)));
            assertTrue(noStdin.getMessage().contains("no stdin"), noStdin.getMessage());
        }
    }

    @Test
    void theTokenIsRefreshedBeforeItExpires() throws Exception {
        hopx.tokenTtl = Duration.ofSeconds(3);
        try (HopxSandbox sb = HopxSandbox.open(options())) {
            CommandHandle h = sb.commands().start("for i in $(seq 1 14); do echo tick $i; sleep 0.5; done");
            Collector c = new Collector();
            h.subscribe(c);
            c.await();
            assertEquals(14, c.stdout().lines().count());
            assertEquals(0, hopx.refused.get(), "no call went out with an expired token");
            assertTrue(sb.tokenRefreshes() >= 2, "refreshed " + sb.tokenRefreshes() + " times in 7 s of 3 s tokens");
        }
    }

    @Test
    void keptSandboxesAreFoundAgainByIdWithAllTheirOutput() throws Exception {
        String id;
        try (HopxSandbox sb = HopxSandbox.open(options().keep(true))) {
            id = sb.id();
            CommandHandle started = sb.commands().start("for i in $(seq 1 30); do echo line $i; sleep 0.05; done",
                    RunOptions.background().name("train"));
            assertEquals("train", find(sb, "train").id(), "listed at once by the session that started it");
            // The record another client finds is written by the wrapper in the sandbox, a moment after HopX's answer:
            // leave once the command has printed, so that the reconnecting client below has something to find.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (started.readOutput(StreamKind.STDOUT, 0, 16).bytes().length == 0 && System.nanoTime() < deadline) Thread.sleep(20);
        }
        assertFalse(hopx.calls.stream().anyMatch(c -> c.startsWith("DELETE")), "kept: " + hopx.calls);
        try (Sandbox again = Sandbox.hopx(options().sandboxId(id))) {
            ProcessInfo listed = find(again, "train");
            assertEquals("for i in $(seq 1 30); do echo line $i; sleep 0.05; done", listed.command());
            CommandHandle h = again.commands().get("train").orElseThrow();
            Collector c = new Collector();
            h.subscribe(0, 0, c);
            assertEquals(ProcessState.COMPLETED, c.await().state());
            StringBuilder expected = new StringBuilder();
            for (int i = 1; i <= 30; i++) expected.append("line ").append(i).append('\n');
            assertEquals(expected.toString(), c.stdout(), "all of it, also what was written while nobody followed");
            assertEquals(ProcessState.COMPLETED, again.commands().get("train").orElseThrow().waitFor(Duration.ofSeconds(10)).state());
        }
        assertFalse(hopx.calls.stream().anyMatch(c -> c.startsWith("DELETE")), "connected by id: left running");
        assertTrue(hopx.calls.contains("POST /v1/sandboxes/" + id + "/token/refresh"), hopx.calls.toString());
    }

    @Test
    void closingEndsOrLetsGoOfTheCommandsItFollows() throws Exception {
        Collector c = new Collector();
        CommandHandle h;
        try (Sandbox sb = Sandbox.hopx(options())) {
            h = sb.commands().start("echo up; sleep 600");
            h.subscribe(c);
        }
        assertTrue(c.ended.await(10, TimeUnit.SECONDS));
        assertEquals(ProcessState.KILLED, c.result.state(), "deleting the sandbox ends its commands");
        assertEquals("its HopX sandbox was deleted", c.result.error());

        CommandHandle kept;
        try (Sandbox sb = Sandbox.hopx(options().keep(true))) {
            kept = sb.commands().start("sleep 600");
        }
        SandboxException e = assertThrows(SandboxException.class, () -> kept.waitFor(Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("keeps running there"), e.getMessage());
        assertFalse(kept.state().isFinal(), "still running, as far as anyone knows");
    }

    @Test
    void processesOtherClientsStartedAreListedWithWhatHopxKeeps() throws Exception {
        try (Sandbox sb = Sandbox.hopx(options())) {
            var started = agent.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(agent.url() + "/commands/background"))
                    .header("Authorization", "Bearer " + agent.token)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"command\":\"bash\",\"args\":[\"-c\",\"echo from-the-sdk\"],\"name\":\"sdk-job\"}"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, started.statusCode());
            CommandHandle h = sb.commands().get("sdk-job").orElseThrow();
            CommandResult r = h.waitFor(Duration.ofSeconds(10));
            assertEquals(ProcessState.COMPLETED, r.state());
            assertEquals("from-the-sdk\n", h.stdout());
            assertEquals("completed", find(sb, h.id()).backendState());
            Collector c = new Collector();
            try (Subscription s = h.subscribe(0, 0, c)) {
                c.await();
            }
            assertEquals("from-the-sdk\n", c.stdout());
            assertTrue(notices.stream().anyMatch(n -> n.contains("not started by jbox") && n.contains("may be shortened")), notices.toString());
        }
    }

    // ---- bad input: one clear line each, never a hang

    @Test
    void aMissingKeyOrABadBaseUrlIsOneLine() {
        SandboxException noKey = assertThrows(SandboxException.class, () -> Sandbox.hopx(options().apiKey(null)));
        assertEquals("no HopX API key: set HOPX_API_KEY or pass HopxOptions.apiKey(...)", noKey.getMessage());
        SandboxException malformed = assertThrows(SandboxException.class, () -> Sandbox.hopx(options().baseUrl("api.hopx.dev")));
        assertTrue(malformed.getMessage().startsWith("bad HopX base URL 'api.hopx.dev'"), malformed.getMessage());
        SandboxException wrongKey = assertThrows(SandboxException.class, () -> Sandbox.hopx(options().apiKey("wrong")));
        assertTrue(wrongKey.getMessage().contains("refused the API key") && wrongKey.getMessage().contains("Invalid API key"), wrongKey.getMessage());
    }

    @Test
    void anUnreachableControlApiIsOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SandboxException e = assertThrows(SandboxException.class, () -> Sandbox.hopx(options().baseUrl("http://127.0.0.1:" + port)));
        assertEquals("cannot reach the HopX control API at http://127.0.0.1:" + port + ": connection refused", e.getMessage());
    }

    @Test
    void anUnknownSandboxIdIsOneLine() {
        SandboxException e = assertThrows(SandboxException.class, () -> Sandbox.hopx(options().sandboxId("sbx-gone")));
        assertEquals("no HopX sandbox 'sbx-gone' at " + hopx.url() + " (it ended, or belongs to another account)", e.getMessage());
    }

    @Test
    void aRefusedTokenIsRefreshedOnceThenReported() throws Exception {
        try (Sandbox sb = Sandbox.hopx(options())) {
            hopx.tokenTtl = Duration.ofMinutes(30);
            hopx.revokeAll();
            assertEquals("still works\n", sb.commands().run("echo still works").stdout(), "a refused token is refreshed, the call repeated");
            assertTrue(hopx.refused.get() >= 1);
        }
        hopx.badTokens = true;
        SandboxException e = assertThrows(SandboxException.class, () -> Sandbox.hopx(options()));
        assertTrue(e.getMessage().contains("refused the sandbox's token, also after refreshing it (HTTP 401: Invalid token)"), e.getMessage());
        assertEquals("DELETE", hopx.calls.get(hopx.calls.size() - 1).split(" ")[0], "the sandbox it could not use is not left behind");
    }

    @Test
    void unknownProcessIdsAndAgentErrorsAreOneLine() throws Exception {
        try (Sandbox sb = Sandbox.hopx(options())) {
            assertTrue(sb.commands().get("p404").isEmpty());
            UnknownProcessException unknown = assertThrows(UnknownProcessException.class, () -> sb.commands().kill("p404"));
            assertEquals("no process 'p404' in this sandbox", unknown.getMessage());
            hopx.agentFailure = 500;
            SandboxException e = assertThrows(SandboxException.class, () -> sb.commands().start("true"));
            assertTrue(e.getMessage().matches("cannot start 'true': the HopX agent at http://127\\.0\\.0\\.1:\\d+/agent: POST /commands/background"
                    + " failed: HTTP 500: agent trouble"), e.getMessage());
            hopx.agentFailure = 403;
            SandboxException list = assertThrows(SandboxException.class, () -> sb.commands().list());
            assertTrue(list.getMessage().contains("HTTP 403: agent trouble"), list.getMessage());
            hopx.agentFailure = 0;
        }
    }

    @Test
    void anAgentThatDoesNotAnswerIsADeadlineNotAHang() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) held.add(silent.accept()); // accepts, never answers
                } catch (IOException ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            hopx.publicHost = "http://127.0.0.1:" + silent.getLocalPort();
            long t0 = System.nanoTime();
            SandboxException e = assertThrows(SandboxException.class, () -> Sandbox.hopx(options().requestTimeout(Duration.ofSeconds(1))));
            assertEquals("the HopX agent at http://127.0.0.1:" + silent.getLocalPort() + " did not answer GET /execute/processes within 1 s",
                    e.getMessage());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
        }
    }
}
