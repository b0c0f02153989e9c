package dev.jbox.agent;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.SandboxException;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropped connections and a dead agent, with real sockets. */
class RemoteFaultTest {

    @Test
    void connectionCutMidStreamIsReportedAndResumedWithoutLoss() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        try (AgentFixture agent = new AgentFixture();
             TcpProxy proxy = new TcpProxy(agent.server.address());
             RemoteSandbox sb = RemoteSandbox.connect(proxy.url(), agent.token,
                     RemoteOptions.defaults().keepalive(Duration.ofSeconds(1)).notices(notices::add))) {
            CommandHandle h = sb.commands().start("for i in $(seq 1 80); do echo line$i; sleep 0.02; done");
            RemoteSandboxEndToEndTest.Collector c = new RemoteSandboxEndToEndTest.Collector();
            h.subscribe(c);
            for (int i = 0; i < 200 && !c.out().contains("line10\n"); i++) Thread.sleep(20);
            assertTrue(c.out().contains("line10\n"), "output started flowing");
            proxy.stop();
            Thread.sleep(600); // the process keeps printing into the agent's log meanwhile
            proxy.start();
            CommandResult r = c.exit.get(30, TimeUnit.SECONDS);
            assertEquals(0, r.exitCode());
            String expected = IntStream.rangeClosed(1, 80).mapToObj(i -> "line" + i + "\n").collect(Collectors.joining());
            assertEquals(expected, c.out(), "every byte arrives exactly once");
            assertEquals(0, h.waitFor(Duration.ofSeconds(10)).exitCode());
            assertTrue(notices.stream().anyMatch(n -> n.contains("lost")), notices.toString());
            assertTrue(notices.stream().anyMatch(n -> n.contains("reconnected") && n.contains("nothing lost")), notices.toString());
            assertTrue(notices.stream().noneMatch(n -> n.contains("\n")), "one line each: " + notices);
        }
    }

    @Test
    void killedAgentIsReportedAndNoCallHangs() throws Exception {
        Path dir = Files.createTempDirectory("jbox-agent-killed");
        Path tokenFile = dir.resolve("token");
        String token = AccessToken.generate();
        Files.writeString(tokenFile, token + "\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process agentProc = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
                "--port", "0", "--token-file", tokenFile.toString(), "--root", dir.toString())
                .redirectErrorStream(true).start();
        long orphan = -1;
        List<String> notices = new CopyOnWriteArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(agentProc.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("jbox agent listening on http://127.0.0.1:"), String.valueOf(line));
            assertTrue(line.contains("loopback only"), line);
            String url = line.substring("jbox agent listening on ".length()).split(" ")[0];
            RemoteSandbox sb = RemoteSandbox.connect(url, token,
                    RemoteOptions.defaults().keepalive(Duration.ofSeconds(1)).reconnectFor(Duration.ofSeconds(2)).notices(notices::add));
            CommandHandle h = sb.commands().start("echo started; exec sleep 60");
            orphan = h.pid();
            agentProc.destroyForcibly();
            agentProc.waitFor(10, TimeUnit.SECONDS);
            SandboxException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(SandboxException.class, h::waitFor));
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
            SandboxException list = assertTimeoutPreemptively(Duration.ofSeconds(20),
                    () -> assertThrows(SandboxException.class, () -> sb.commands().list()));
            assertTrue(list.getMessage().contains("cannot reach"), list.getMessage());
            assertTrue(notices.stream().anyMatch(n -> n.contains("unreachable")), notices.toString());
            assertFalse(notices.stream().anyMatch(n -> n.contains("\n")));
            assertTimeoutPreemptively(Duration.ofSeconds(20), sb::close);
        } finally {
            agentProc.destroyForcibly();
            // a SIGKILLed agent cannot kill its children: clean up after it
            if (orphan > 0) ProcessHandle.of(orphan).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
