package dev.jbox.client.local;

import dev.jbox.client.CrashPolicy;
import dev.jbox.client.SandboxException;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The JVM's end of {@code supervisor.pl}: a small perl process per local sandbox that forks every command (in a
 * session of its own, output appended straight to its log files, stdin from /dev/null or a FIFO) and waits for
 * it, so that commands keep running, keep logging and have their exit status recorded when this JVM is gone.
 * The protocol is described at the top of the script. When the JVM dies, the supervisor applies the crash
 * policy ({@link #policy}); a clean close says {@link #quit()} first.
 *
 * <p>Answers are read by one daemon thread, which calls the {@link Listener} in order: a command's
 * {@code started} always comes before its {@code exited}.
 */
final class Supervisor {

    /** What the supervisor reports. Called on its reader thread; must not block for long. */
    interface Listener {
        void started(int seq, long pid);

        void failed(int seq, String message);

        void exited(int seq, int code, int signal, String reason);

        /** The supervisor ended while this JVM still needed it (killed from outside); {@code why} says how. */
        void lost(String why);
    }

    /** One command to start: everything the supervisor needs, nothing it has to look up. */
    record Start(int seq, Path cwd, Path stdout, Path stderr, Path stdinFifo, Path exitFile, long timeoutMs, long graceMs,
                 String cookie, List<String> argv, Map<String, String> env) {
    }

    private static final String PERL = Files.isExecutable(Path.of("/usr/bin/perl")) ? "/usr/bin/perl" : "perl";

    private final Process process;
    private final OutputStream requests;
    private final Listener listener;
    private volatile boolean closing;

    private Supervisor(Process process, Listener listener) {
        this.process = process;
        this.requests = process.getOutputStream();
        this.listener = listener;
    }

    /**
     * Starts the supervisor of the instance directory {@code dir}; its script is written once under {@code root}.
     * Returns at once: perl starts while the JVM goes on, and the first request waits in the pipe until it reads.
     */
    static Supervisor start(Path root, Path dir, Listener listener) {
        Path script = script(root);
        ProcessBuilder pb = new ProcessBuilder(PERL, script.toString(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("supervisor.log").toFile()));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new SandboxException("cannot start the local sandbox's supervisor (" + PERL + " " + script + "): " + e.getMessage()
                    + "; it needs perl (Debian and Ubuntu: package perl-base)", e);
        }
        Supervisor s = new Supervisor(p, listener);
        Thread reader = new Thread(s::readAnswers, "jbox-supervisor-" + p.pid());
        reader.setDaemon(true);
        reader.start();
        return s;
    }

    long pid() {
        return process.pid();
    }

    void start(Start s) {
        StringBuilder b = new StringBuilder();
        field(b, "start");
        field(b, Integer.toString(s.seq()));
        field(b, s.cwd().toString());
        field(b, s.stdout().toString());
        field(b, s.stderr().toString());
        field(b, s.stdinFifo() == null ? "" : s.stdinFifo().toString());
        field(b, s.exitFile().toString());
        field(b, Long.toString(s.timeoutMs()));
        field(b, Long.toString(s.graceMs()));
        field(b, s.cookie());
        field(b, Integer.toString(s.argv().size()));
        for (String a : s.argv()) field(b, a);
        field(b, Integer.toString(s.env().size()));
        for (Map.Entry<String, String> e : s.env().entrySet()) field(b, e.getKey() + "=" + e.getValue());
        b.setLength(b.length() - 1);
        send(b.toString());
    }

    /** What happens to the commands when this JVM dies without closing the sandbox. */
    void policy(CrashPolicy policy) {
        send("policy\0" + (policy == CrashPolicy.KILL ? "kill" : "keep"));
    }

    /** A tree this sandbox adopted (another supervisor's child): the crash policy covers it too. */
    void watch(long pgid, String cookie) {
        send("watch\0" + pgid + "\0" + cookie);
    }

    void unwatch(String cookie) {
        send("unwatch\0" + cookie);
    }

    /** The JVM is about to end the command: its exit file says why ({@code killed} or {@code timedout}). */
    void reason(int seq, String why) {
        send("reason\0" + seq + "\0" + why);
    }

    /** The command reads EOF once the JVM's own writer is closed too. */
    void closeStdin(int seq) {
        send("close-stdin\0" + seq);
    }

    /** Clean close: the supervisor ends what still runs and exits once nothing is left. */
    void quit() {
        closing = true;
        try {
            send("quit");
            requests.close();
        } catch (RuntimeException | IOException e) {
            // already gone
        }
    }

    /** Leaves the commands to the crash policy, exactly as if this JVM had died. */
    void abandon() {
        closing = true;
        try {
            requests.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Waits up to {@code millis} for the supervisor to exit (after {@link #quit()}). */
    boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void field(StringBuilder b, String value) {
        if (value.indexOf('\0') >= 0) throw new IllegalArgumentException("a NUL character in '" + value.replace('\0', '?') + "'");
        b.append(value).append('\0');
    }

    private void send(String request) {
        byte[] payload = request.getBytes(StandardCharsets.UTF_8);
        byte[] header = (payload.length + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (requests) {
            try {
                requests.write(header);
                requests.write(payload);
                requests.flush();
            } catch (IOException e) {
                throw new SandboxException("the local sandbox's supervisor (pid " + process.pid() + ") is gone: " + e.getMessage(), e);
            }
        }
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ", 3);
                try {
                    switch (f[0]) {
                        case "started" -> listener.started(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                        case "failed" -> listener.failed(Integer.parseInt(f[1]), f.length > 2 ? f[2] : "");
                        case "exit" -> {
                            String[] e = line.split(" ");
                            listener.exited(Integer.parseInt(e[1]), Integer.parseInt(e[2]), Integer.parseInt(e[3]), e[4]);
                        }
                        default -> { } // a newer script's answer: not for us
                    }
                } catch (RuntimeException e) {
                    System.getLogger("jbox.sandbox").log(System.Logger.Level.WARNING, "supervisor answer '" + line + "': " + e);
                }
            }
        } catch (IOException e) {
            // the pipe broke: handled below like an end
        }
        if (!closing) {
            listener.lost("the local sandbox's supervisor (pid " + process.pid() + ") ended unexpectedly"
                    + (process.isAlive() ? "" : " with exit code " + exitCode()));
        }
    }

    private int exitCode() {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The script, written once per version under {@code root} (named by its hash, so versions never clash). */
    static Path script(Path root) {
        byte[] text;
        try (InputStream in = Supervisor.class.getResourceAsStream("supervisor.pl")) {
            if (in == null) throw new SandboxException("supervisor.pl is missing from the jbox client jar");
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            text = buf.toByteArray();
        } catch (IOException e) {
            throw new SandboxException("cannot read supervisor.pl from the jbox client jar: " + e.getMessage(), e);
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path file = root.resolve("supervisor-" + hash + ".pl");
        if (Files.isRegularFile(file)) return file;
        try {
            Files.createDirectories(root);
            Path tmp = Files.createTempFile(root, ".supervisor-", ".tmp");
            Files.write(tmp, text);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException e) {
            throw new SandboxException("cannot write the supervisor script under " + root + ": " + e.getMessage(), e);
        }
    }
}
