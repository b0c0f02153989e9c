package dev.jbox.client.local;

import dev.jbox.client.Commands;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;
import dev.jbox.client.SandboxException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The embedded sandbox: commands run on this machine, each in its own session so that its whole tree can be
 * signalled; output goes to log files in the state directory. Closing it (or the JVM exiting) kills every
 * process tree it still runs.
 *
 * <pre>{@code
 * try (Sandbox sb = new LocalSandbox(LocalOptions.defaults())) {
 *     System.out.println(sb.commands().run("uname -a").stdout());
 * }
 * }</pre>
 */
public final class LocalSandbox implements Sandbox {

    private final LocalOptions options;
    private final Path stateDir;
    private final boolean ownStateDir;
    private final LocalCommands commands;
    private final Thread shutdownHook;
    private boolean closed; // guarded by this

    public LocalSandbox(LocalOptions options) {
        if (options == null) throw new IllegalArgumentException("options must not be null (use LocalOptions.defaults())");
        if (options.workDir() == null) throw new IllegalArgumentException("workDir must not be null");
        Path work = options.workDir().toAbsolutePath().normalize();
        if (!Files.isDirectory(work)) throw new SandboxException("working directory " + work + " does not exist");
        try {
            if (options.stateDir() == null) {
                stateDir = Files.createTempDirectory("jbox-sandbox-");
                ownStateDir = true;
            } else {
                // A directory of its own inside: sandboxes sharing a state directory must not overwrite each other's logs.
                Path parent = Files.createDirectories(options.stateDir().toAbsolutePath().normalize());
                stateDir = Files.createTempDirectory(parent, "sandbox-");
                ownStateDir = false;
            }
        } catch (IOException e) {
            throw new SandboxException("cannot create state directory " + options.stateDir() + ": " + e.getMessage(), e);
        }
        this.options = options.workDir(work);
        this.commands = new LocalCommands(this);
        this.shutdownHook = new Thread(this::shutdown, "jbox-sandbox-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public Commands commands() {
        return commands;
    }

    @Override
    public String describe() {
        return "local (" + options.workDir() + ")";
    }

    public LocalOptions options() {
        return options;
    }

    /** Where process logs are written: a fresh directory, inside {@link LocalOptions#stateDir()} if one was given. */
    public Path stateDir() {
        return stateDir;
    }

    @Override
    public void close() {
        shutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook runs (or ran) anyway
        }
    }

    private void shutdown() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        List<LocalProcess> processes = commands.closeAndList();
        List<ProcessTree.Tree> running = new ArrayList<>();
        List<ProcessTree.Tree> ended = new ArrayList<>();
        for (LocalProcess p : processes) {
            ProcessTree.Tree tree = p.tree();
            if (tree == null) continue;
            if (p.isRunning()) {
                p.markKilled();
                running.add(tree);
            } else {
                ended.add(tree);
            }
        }
        running.addAll(ProcessTree.withLeftovers(ended)); // background children that outlived their command
        if (!running.isEmpty()) ProcessTree.terminate(running, options.killGrace());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LocalProcess.LINGER.toMillis() + 1000);
        for (LocalProcess p : processes) {
            try {
                p.ended().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // still not ended after its tree was killed: its logs are closed below anyway
            }
        }
        // Let subscribers receive the rest of the output and their onExit before the logs close.
        long deliveryDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (LocalProcess p : processes) p.awaitFollowers(deliveryDeadline);
        for (LocalProcess p : processes) p.closeLogs(ownStateDir);
        if (ownStateDir) deleteTree(stateDir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
