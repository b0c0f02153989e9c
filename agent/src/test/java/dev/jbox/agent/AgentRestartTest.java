package dev.jbox.agent;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.StreamKind;
import dev.jbox.client.remote.RemoteOptions;
import dev.jbox.client.remote.RemoteSandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jbox agent} killed with SIGKILL while a client follows a process's output, then started again on the same
 * state directory and port: it lists the process it ran, and the client resumes from its offsets, losing nothing.
 */
class AgentRestartTest {

    private static final String COUNTER = "import sys, time\n"
            + "copy = open(sys.argv[1], 'a')\n"
            + "for i in range(1, 1201):\n"
            + "    line = 'line %05d of the counter\\n' % i\n"
            + "    sys.stdout.write(line); sys.stdout.flush()\n"
            + "    copy.write(line); copy.flush()\n"
            + "    time.sleep(0.01)\n"
            + "sys.exit(6)\n";

    @TempDir
    Path dir;

    @Test
    void aKilledAgentStartedAgainOnItsStateDirectoryLosesNoByte() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path tokenFile = dir.resolve("token");
        String token = AccessToken.generate();
        Files.writeString(tokenFile, token + "\n");
        Files.writeString(work.resolve("counter.py"), COUNTER);
        Path copy = work.resolve("copy.txt");
        int port = freePort();
        Process agent = startAgent(port, state, work, tokenFile);
        Process again = null;
        long pid = -1;
        List<String> notices = new CopyOnWriteArrayList<>();
        try (RemoteSandbox sb = RemoteSandbox.connect("http://127.0.0.1:" + port, token,
                RemoteOptions.defaults().keepalive(Duration.ofSeconds(1)).reconnectFor(Duration.ofMinutes(2)).notices(notices::add))) {
            CommandHandle h = sb.commands().start("python3 counter.py " + copy);
            pid = h.pid();
            Follower f = new Follower();
            h.subscribe(f);
            for (int i = 0; i < 500 && f.bytes() < 2000; i++) Thread.sleep(20);
            assertTrue(f.bytes() >= 2000, "output started flowing");

            agent.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS));
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the process outlived its agent");
            Thread.sleep(500); // it prints while no agent runs
            again = startAgent(port, state, work, tokenFile);

            CommandResult end = f.exit.get(120, TimeUnit.SECONDS);
            assertEquals(6, end.exitCode());
            String written = Files.readString(copy);
            assertTrue(written.endsWith("line 01200 of the counter\n"), written.substring(Math.max(0, written.length() - 80)));
            assertEquals(written, f.text(), "the follower got every byte exactly once");
            assertEquals(written, h.stdout());
            assertEquals(6, h.waitFor(Duration.ofSeconds(10)).exitCode());
            List<ProcessInfo> listed = sb.commands().list();
            assertTrue(listed.stream().anyMatch(p -> p.pid() == h.pid()), "the restarted agent lists the process it ran: " + listed);
            assertTrue(notices.stream().anyMatch(n -> n.contains("nothing lost")), notices.toString());
        } finally {
            agent.destroyForcibly();
            if (again != null) {
                again.destroy(); // SIGTERM: a clean shutdown kills what it runs
                again.waitFor(20, TimeUnit.SECONDS);
            }
            if (pid > 0) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Collects stdout and checks that each chunk starts where the previous one ended. */
    static final class Follower implements OutputListener {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final CompletableFuture<CommandResult> exit = new CompletableFuture<>();

        @Override
        public synchronized void onOutput(OutputChunk chunk) {
            if (chunk.stream() != StreamKind.STDOUT) return;
            if (chunk.offset() != out.size()) {
                exit.completeExceptionally(new AssertionError("chunk at " + chunk.offset() + " after " + out.size() + " bytes"));
            }
            out.writeBytes(chunk.bytes());
        }

        @Override
        public void onExit(CommandResult result) {
            exit.complete(result);
        }

        @Override
        public void onError(Exception error) {
            exit.completeExceptionally(error);
        }

        synchronized int bytes() {
            return out.size();
        }

        synchronized String text() {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    private static Process startAgent(int port, Path state, Path work, Path tokenFile) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AgentMain.class.getName(),
                "--port", Integer.toString(port), "--token-file", tokenFile.toString(), "--root", work.toString(),
                "--state-dir", state.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("jbox agent listening on"), String.valueOf(line));
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(Writer.nullWriter());
            } catch (IOException e) {
                // the agent was killed
            }
        }, "agent-output");
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
