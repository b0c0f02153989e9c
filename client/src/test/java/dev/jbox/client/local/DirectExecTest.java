package dev.jbox.client.local;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.ProcessState;
import dev.jbox.client.RunOptions;
import dev.jbox.client.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.jbox.client.local.LocalSandboxTest.alive;
import static dev.jbox.client.local.LocalSandboxTest.assertDead;
import static dev.jbox.client.local.LocalSandboxTest.awaitPids;
import static dev.jbox.client.local.LocalSandboxTest.sessionOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands without shell syntax run without bash and setsid (see {@link Shell}): same results, same tree kills. */
class DirectExecTest {

    static Sandbox sandbox;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        sandbox = Sandbox.local(LocalOptions.defaults().killGrace(Duration.ofMillis(300)));
    }

    @AfterAll
    static void close() {
        sandbox.close();
    }

    @Test
    void theRuleSeparatesPlainCommandsFromShellSyntax() {
        Map<String, String> env = System.getenv();
        Path cwd = Path.of("/");
        for (String plain : List.of("true", "false", "echo hello world", "sleep 1", "ls -la /tmp", "  env  ",
                "printenv PWD SHLVL _", "java -Dx=y -version", "head -c 100 /dev/zero", "/bin/echo a,b:c@d%e+f")) {
            assertNotNull(Shell.plainWords(plain, env, cwd), "plain: " + plain);
        }
        for (String shell : List.of("echo -n hi", "ls *.txt", "echo ~", "A=1 env", "cd /tmp", "time ls", "exit 3",
                "echo $HOME", "echo 'a b'", "echo a\\ b", "ls | wc", "sleep 1 &", "true; false", "ls > x", "echo {a,b}",
                "printf %s x", "pwd", "kill 1", "no-such-program-jbox", "echo a # comment", "echo \u00e9", "if",
                "ls\nls", "[ -e / ]", "./no-such-file")) {
            assertNull(Shell.plainWords(shell, env, cwd), "needs bash: " + shell.replace("\n", "\\n"));
        }
        assertNull(Shell.plainWords("ls", Map.of("PATH", "/usr/bin", "BASH_FUNC_ls%%", "() { echo f; }"), cwd),
                "an exported function shadows the program");
        assertNull(Shell.plainWords("ls", Map.of(), cwd), "no PATH: bash's default path decides");
        assertNull(Shell.plainWords("ls", Map.of("PATH", tmp.toString()), cwd),
                "a PATH that finds another file (here none) than the JVM's does goes through bash");
    }

    @Test
    void plainCommandsGiveWhatBashGives() throws Exception {
        Path script = tmp.resolve("show-args");
        Files.writeString(script, "#!/bin/sh\necho \"$0|$#|$*\"\necho err >&2\nexit 7\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String command : List.of("echo hello   world", "true", "false", "printenv PWD SHLVL _",
                "./show-args one two=2 -x", "ls -a .", "head -c 5 /etc/passwd", "cat /no/such/file")) {
            CommandHandle direct = sandbox.commands().start(command, RunOptions.background().cwd(tmp.toString()));
            CommandResult viaBash = sandbox.commands().run("", RunOptions.background().cwd(tmp.toString())
                    .argv(List.of(Shell.SHELL, "-c", command)));
            CommandResult d = direct.waitFor();
            assertEquals(viaBash.exitCode(), d.exitCode(), command);
            assertEquals(viaBash.stdout(), direct.stdout(), command);
            assertEquals(viaBash.stderr(), direct.stderr(), command);
            assertEquals(viaBash.state(), d.state(), command);
        }
    }

    @Test
    void plainCommandsRunWithoutBashAndEveryCommandLeadsASession() throws Exception {
        CommandHandle plain = sandbox.commands().start("sleep 30");
        CommandHandle shell = sandbox.commands().start("sleep 30; true");
        try {
            awaitExec(plain.pid(), "sleep\u0000");
            assertEquals("sleep\u000030\u0000", cmdline(plain.pid()), "executed directly");
            assertEquals(plain.pid(), sessionOf(plain.pid()), "the supervisor gave it a session without an exec");
            assertNotEquals(sessionOf(ProcessHandle.current().pid()), sessionOf(plain.pid()), "not the JVM's session");
            awaitExec(shell.pid(), Shell.SHELL + "\u0000-c\u0000");
            assertEquals(shell.pid(), sessionOf(shell.pid()), "a shell command leads its own session");
        } finally {
            plain.kill();
            shell.kill();
        }
        assertEquals(ProcessState.KILLED, plain.state());
        assertFalse(alive(plain.pid()));
    }

    @Test
    void killTakesOrphansOfAPlainCommandEvenInTheirOwnSession() throws Exception {
        // The script exits at once and leaves two sleeps behind: one orphan in the command's session, one that started
        // its own session. Neither is a descendant any more; only the cookie they inherited finds them.
        Path script = tmp.resolve("leave-orphans");
        Files.writeString(script, "#!/bin/bash\nsleep 1000 > /dev/null 2>&1 & echo $!\n"
                + "setsid sleep 1000 > /dev/null 2>&1 & echo $!\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        CommandHandle h = sandbox.commands().start("./leave-orphans", RunOptions.background().cwd(tmp.toString()));
        CommandResult r = h.waitFor(Duration.ofSeconds(10));
        assertEquals(ProcessState.COMPLETED, r.state());
        List<Long> orphans = awaitPids(h, 2);
        for (long p : orphans) assertTrue(alive(p), "orphan " + p + " outlived its command");
        assertFalse(h.kill(), "the command itself had ended");
        assertDead(-1, orphans);
    }

    @Test
    void closingTheSandboxKillsOrphansOfPlainCommands() throws Exception {
        Path script = tmp.resolve("leave-orphan");
        Files.writeString(script, "#!/bin/bash\nsleep 1000 > /dev/null 2>&1 & echo $!\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<Long> orphans;
        try (Sandbox own = Sandbox.local(LocalOptions.defaults().workDir(tmp).killGrace(Duration.ofMillis(200)))) {
            CommandHandle h = own.commands().start("./leave-orphan");
            h.waitFor(Duration.ofSeconds(10));
            orphans = awaitPids(h, 1);
            assertTrue(alive(orphans.get(0)));
            CommandHandle running = own.commands().start("sleep 1000");
            orphans = List.of(orphans.get(0), running.pid());
        }
        assertDead(-1, orphans);
    }

    /** Waits until process {@code pid} runs the program whose command line starts with {@code prefix}. */
    private static void awaitExec(long pid, String prefix) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!cmdline(pid).startsWith(prefix)) {
            if (System.nanoTime() > deadline) throw new AssertionError("pid " + pid + " never ran " + prefix + ": " + cmdline(pid));
            Thread.sleep(5);
        }
    }

    private static String cmdline(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
    }
}
