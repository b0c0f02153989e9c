package dev.jbox.agent;

import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.remote.envd.Protocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code jbox agent}: serves a local sandbox over envd's process API.
 *
 * <p>Token: {@code --token}, or the first line of {@code --token-file}. Without either, a random token is written
 * to {@code ~/.jbox/agent-<port>.token} (mode 600) and only that path is printed, never the token.
 */
@Command(name = "jbox agent", mixinStandardHelpOptions = true, version = "jbox agent 0.1.0 (envd process API, Connect JSON over HTTP/1.1)",
        description = "Serve this machine's processes over the envd-compatible process API (Connect RPC, HTTP/1.1).")
public final class AgentMain implements Callable<Integer> {

    @Option(names = "--host", description = "Address to bind (default 127.0.0.1: loopback only).")
    String host = "127.0.0.1";

    @Option(names = "--port", description = "Port (default ${DEFAULT-VALUE}, envd's; 0 picks a free one).")
    int port = Protocol.ENVD_PORT;

    @Option(names = "--token", description = "Access token clients must send as X-Access-Token (visible in ps: prefer --token-file).")
    String token;

    @Option(names = "--token-file", description = "File whose first line is the access token.")
    Path tokenFile;

    @Option(names = "--root", description = "Default working directory of commands (default: the current directory).")
    Path root;

    @Option(names = "--state-dir", description = "Where process records and logs live (default: JBOX_STATE_DIR, else ~/.local/share/jbox). "
            + "An agent started again on the same directory and port (after a crash) takes over the processes it ran, with all their output.")
    Path stateDir;

    @Option(names = "--max-request-bytes", description = "Largest accepted request body (default ${DEFAULT-VALUE}).")
    int maxRequestBytes = 4 << 20;

    public static void main(String[] args) {
        System.exit(new CommandLine(new AgentMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String secret = resolveToken();
        if (secret == null) return 2;
        // The session names this agent across restarts: one started again after a crash adopts what the dead one ran.
        LocalOptions opts = LocalOptions.defaults().session("agent-" + port);
        if (stateDir != null) opts = opts.stateDir(stateDir.toAbsolutePath().normalize());
        if (root != null) {
            if (!Files.isDirectory(root)) {
                System.err.println("jbox agent: --root " + root + " is not a directory");
                return 2;
            }
            opts = opts.workDir(root.toAbsolutePath().normalize());
        }
        AgentServer.Config cfg = new AgentServer.Config(host, port, new AccessToken(secret), maxRequestBytes,
                java.time.Duration.ofSeconds(30), true);
        AgentServer server;
        try {
            server = AgentServer.start(Sandbox.local(opts), cfg);
        } catch (IOException e) {
            System.err.println("jbox agent: cannot listen on " + host + ":" + port + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("jbox agent: shutting down, killing its process trees");
            server.close();
            stopped.countDown();
        }, "jbox-agent-shutdown"));
        boolean loopback = server.address().getAddress().isLoopbackAddress();
        System.out.println("jbox agent listening on " + server.url()
                + (loopback ? " (loopback only; use --host to expose it)" : " (bound to " + host + ": reachable from other hosts)"));
        System.out.flush();
        stopped.await();
        return 0;
    }

    private String resolveToken() throws IOException {
        if (token != null && tokenFile != null) {
            System.err.println("jbox agent: give --token or --token-file, not both");
            return null;
        }
        if (token != null) return token;
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                System.err.println("jbox agent: cannot read token file " + tokenFile);
                return null;
            }
            String t = Files.readString(tokenFile, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            if (t.isEmpty()) {
                System.err.println("jbox agent: token file " + tokenFile + " is empty");
                return null;
            }
            return t;
        }
        String fresh = AccessToken.generate();
        Path dir = Path.of(System.getProperty("user.home"), ".jbox");
        Files.createDirectories(dir);
        Path file = dir.resolve("agent-" + port + ".token");
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, fresh + "\n", StandardCharsets.UTF_8);
        System.out.println("jbox agent: generated an access token, written to " + file + " (send it as X-Access-Token)");
        return fresh;
    }
}
