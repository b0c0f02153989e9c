package dev.jbox.agent;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jbox agent} as a real process: generated token file, loopback notice, graceful shutdown on SIGTERM. */
class AgentMainTest {

    @Test
    void generatesATokenFileNeverPrintsItAndKillsItsTreesOnSigterm() throws Exception {
        Path home = Files.createTempDirectory("jbox-agent-home");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process agent = new ProcessBuilder(java, "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName(), "--port", "0", "--root", home.toString()).redirectErrorStream(true).start();
        long child = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            lines.add(out.readLine());
            lines.add(out.readLine());
            Path tokenFile = home.resolve(".jbox/agent-0.token");
            assertTrue(lines.get(0).contains("written to " + tokenFile), lines.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String token = Files.readString(tokenFile).strip();
            assertEquals(64, token.length());
            assertTrue(lines.stream().noneMatch(l -> l.contains(token)), "the token must never be printed");
            assertTrue(lines.get(1).contains("loopback only"), lines.get(1));
            String url = lines.get(1).substring("jbox agent listening on ".length()).split(" ")[0];

            try (RemoteSandbox sb = RemoteSandbox.connect(url, token, RemoteOptions.defaults().reconnectFor(Duration.ofSeconds(1))
                    .killOnClose(false).notices(n -> { }))) {
                Path pidFile = home.resolve("child.pid");
                CommandHandle h = sb.commands().start("sleep 60 & echo $! > " + pidFile + "; wait");
                for (int i = 0; i < 100 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) Thread.sleep(50);
                child = Long.parseLong(Files.readString(pidFile).trim());
                assertTrue(ProcessHandle.of(child).isPresent());
                // SIGTERM (Process.destroy would also close our end of its stdout): the shutdown hook kills the trees
                new ProcessBuilder("kill", "-TERM", String.valueOf(agent.pid())).start().waitFor();
                assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "agent exits on SIGTERM");
                String rest = String.join("\n", out.lines().toList());
                assertTrue(rest.contains("shutting down"), rest);
                assertFalse(rest.contains(token));
                for (int i = 0; i < 100 && ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false); i++) Thread.sleep(50);
                assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "a child survived the agent's shutdown");
                assertFalse(ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false));
            }
        } finally {
            agent.destroyForcibly();
            if (child > 0) ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void badArgumentsAreOneLine() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
                "--token-file", "/nonexistent/token").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertEquals("jbox agent: cannot read token file /nonexistent/token", out.strip());
    }
}
