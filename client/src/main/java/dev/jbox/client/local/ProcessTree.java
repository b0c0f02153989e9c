package dev.jbox.client.local;

import dev.jbox.client.Signal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Finds and signals the process trees of commands. A command run through the shell leads its own session
 * (started under {@code setsid}); one executed directly (see {@link Shell}) shares the JVM's. Either way every
 * process of the tree carries the command's cookie in the environment variable {@link #COOKIE_VARIABLE}, which
 * children inherit. The tree is then: every process of the command's own session, every descendant of its main
 * process, and every process that still carries its cookie (children orphaned by their parent, even those that
 * started a session of their own). Linux /proc gives all three; elsewhere only
 * {@link ProcessHandle#descendants()} is used.
 */
final class ProcessTree {

    /** Set in the environment of every command: space-separated cookies, the innermost jbox sandbox's last. */
    static final String COOKIE_VARIABLE = "JBOX_TREE";

    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));
    private static final long SELF = ProcessHandle.current().pid();
    private static final long SELF_START = ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli)
            .orElse(System.currentTimeMillis());
    private static final String KILL = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";
    private static final AtomicLong COOKIES = new AtomicLong();
    private static final byte[] COOKIE_PREFIX = (COOKIE_VARIABLE + "=").getBytes(StandardCharsets.UTF_8);

    private ProcessTree() {
    }

    /**
     * The tree of one command: its main process's pid, a handle on it (null once it is known to be gone), whether it
     * leads a session of its own (then its process group is signalled too), and its {@code cookie}. The handle tells
     * whether the main process itself still runs without being fooled by its pid having been given to another
     * process since.
     */
    record Tree(long leader, ProcessHandle main, boolean ownSession, String cookie) {
        /** The tree of the command whose main process is {@code pid}, looked up now. */
        static Tree of(long pid, boolean ownSession, String cookie) {
            return new Tree(pid, ProcessHandle.of(pid).orElse(null), ownSession, cookie);
        }

        boolean mainAlive() {
            return main != null && main.isAlive();
        }
    }

    /**
     * A cookie no other command on this machine has: this JVM's pid, its start time and a counter (the start time,
     * because a command may outlive its JVM, and a later JVM may get the same pid).
     */
    static String newCookie() {
        return SELF + "." + SELF_START + "." + COOKIES.incrementAndGet();
    }

    /** The value of {@link #COOKIE_VARIABLE} for a command: the inherited cookies (of outer sandboxes) and its own. */
    static String cookieValue(String inherited, String cookie) {
        return inherited == null || inherited.isBlank() ? cookie : inherited + " " + cookie;
    }

    /** A process as /proc shows it. */
    private record Stat(long pid, long ppid, long session, boolean dead) {
    }

    /** Live members of {@code trees}, plus those of {@code known} still alive. */
    static Set<Long> members(Collection<Tree> trees, Collection<Long> known) {
        Set<Long> result = new HashSet<>();
        if (!HAS_PROC) {
            for (Tree t : trees) {
                if (t.mainAlive()) {
                    result.add(t.leader());
                    t.main().descendants().forEach(d -> result.add(d.pid()));
                }
            }
            for (long p : known) ProcessHandle.of(p).filter(ProcessHandle::isAlive).ifPresent(h -> result.add(p));
            return result;
        }
        Map<Long, Stat> all = scan();
        Set<Long> sessions = new HashSet<>();
        for (Tree t : trees) {
            // A session outlives its leader; but a leader pid that lives again is another process's now.
            if (t.ownSession() && (t.mainAlive() || !all.containsKey(t.leader()))) sessions.add(t.leader());
        }
        Set<String> cookies = cookies(trees);
        Map<Long, List<Long>> children = new HashMap<>();
        for (Stat s : all.values()) {
            if (s.dead) continue;
            children.computeIfAbsent(s.ppid, k -> new ArrayList<>()).add(s.pid);
            if (sessions.contains(s.session) || carriesCookie(s.pid, cookies)) result.add(s.pid);
        }
        for (long p : known) {
            Stat s = all.get(p);
            if (s != null && !s.dead) result.add(p);
        }
        result.remove(SELF);
        // Descendants of all these (those that started sessions of their own and dropped the cookie too).
        List<Long> todo = new ArrayList<>(result);
        for (Tree t : trees) {
            Stat s = all.get(t.leader());
            // Only while it is our process: after it ended, its pid may belong to anybody.
            if (s != null && !s.dead && t.mainAlive() && t.leader() != SELF && result.add(t.leader())) todo.add(t.leader());
        }
        while (!todo.isEmpty()) {
            long p = todo.remove(todo.size() - 1);
            for (long c : children.getOrDefault(p, List.of())) {
                if (c != SELF && result.add(c)) todo.add(c);
            }
        }
        return result;
    }

    /**
     * Of these trees of commands that have ended (and were reaped), those that still have live members:
     * background children their command left behind. A leader pid that exists again belongs to another process
     * now and does not count (while members of a session live, the kernel does not hand out its id as a new pid).
     */
    static List<Tree> withLeftovers(Collection<Tree> ended) {
        List<Tree> result = new ArrayList<>();
        if (!HAS_PROC || ended.isEmpty()) return result;
        Map<Long, Stat> all = scan();
        Set<Long> liveSessions = new HashSet<>();
        Set<String> liveCookies = new HashSet<>();
        Set<String> wanted = cookies(ended);
        for (Stat s : all.values()) {
            if (s.dead) continue;
            liveSessions.add(s.session);
            if (!wanted.isEmpty()) liveCookies.addAll(cookiesOf(s.pid, wanted));
        }
        for (Tree t : ended) {
            boolean session = t.ownSession() && !all.containsKey(t.leader()) && liveSessions.contains(t.leader());
            if (session || liveCookies.contains(t.cookie())) result.add(t);
        }
        return result;
    }

    /**
     * Sends {@code signal} to the process groups of trees that lead a session, and to each of {@code pids}. Errors for
     * processes that are gone are ignored. A main process that has not made its session yet (just forked by the
     * supervisor) gets the signal itself: its group does not exist yet.
     */
    static void signal(Signal signal, Collection<Tree> trees, Collection<Long> pids) {
        List<String> cmd = new ArrayList<>();
        cmd.add(KILL);
        cmd.add("-" + signal.number());
        cmd.add("--");
        Set<Long> groups = new HashSet<>();
        Set<Long> single = new HashSet<>(pids);
        for (Tree t : trees) {
            if (!t.ownSession()) continue;
            if (leadsGroup(t.leader())) {
                if (groups.add(t.leader())) cmd.add("-" + t.leader());
            } else if (t.mainAlive()) {
                single.add(t.leader());
            }
        }
        for (long p : single) if (!groups.contains(p)) cmd.add(Long.toString(p));
        if (cmd.size() == 3) return;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            // No kill binary: fall back to the JDK, which knows only TERM and KILL of single processes.
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    if (signal == Signal.KILL) h.destroyForcibly(); else h.destroy();
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * TERM to every tree, then KILL to whatever is left after {@code grace}. Returns when all members are gone
     * (or after a bounded number of KILL rounds).
     */
    static void terminate(Collection<Tree> trees, Duration grace) {
        Set<Long> known = members(trees, Set.of());
        signal(Signal.TERM, trees, known);
        long deadline = System.nanoTime() + Math.min(LocalProcess.nanos(grace), Long.MAX_VALUE / 4);
        long pause = 5;
        while (System.nanoTime() < deadline) {
            Set<Long> alive = members(trees, known);
            if (alive.isEmpty()) return;
            known.addAll(alive);
            sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            pause = Math.min(pause * 2, 50);
        }
        for (int round = 0; round < 100; round++) {
            Set<Long> alive = members(trees, known);
            if (alive.isEmpty()) return;
            known.addAll(alive);
            signal(Signal.KILL, trees, alive);
            sleep(10);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<String> cookies(Collection<Tree> trees) {
        Set<String> cookies = new HashSet<>();
        for (Tree t : trees) if (t.cookie() != null) cookies.add(t.cookie());
        return cookies;
    }

    /** True if {@code pid} leads its process group (or /proc cannot tell: then the group is signalled as before). */
    private static boolean leadsGroup(long pid) {
        if (!HAS_PROC) return true;
        try {
            String line = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")), StandardCharsets.UTF_8);
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ", 4);
            return Long.parseLong(f[2]) == pid;
        } catch (IOException | RuntimeException e) {
            return true; // gone: the group may outlive it
        }
    }

    /** True if process {@code pid} lives and carries {@code cookie}: it belongs to that command's tree. */
    static boolean carries(long pid, String cookie) {
        if (!HAS_PROC) return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        Stat s = stat(PROC.resolve(Long.toString(pid)).resolve("stat"));
        return s != null && !s.dead && !cookiesOf(pid, Set.of(cookie)).isEmpty();
    }

    /** Live processes (other than this JVM) that carry one of {@code cookies}. */
    static Set<Long> carrying(Collection<String> cookies) {
        Set<Long> out = new HashSet<>();
        if (!HAS_PROC || cookies.isEmpty()) return out;
        Set<String> wanted = new HashSet<>(cookies);
        for (Stat s : scan().values()) {
            if (!s.dead && s.pid != SELF && !cookiesOf(s.pid, wanted).isEmpty()) out.add(s.pid);
        }
        return out;
    }

    private static boolean carriesCookie(long pid, Set<String> cookies) {
        return !cookies.isEmpty() && !cookiesOf(pid, cookies).isEmpty();
    }

    /** Which of {@code wanted} process {@code pid} carries in its environment (none if it is not ours to read). */
    private static List<String> cookiesOf(long pid, Set<String> wanted) {
        byte[] env;
        try {
            env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return List.of(); // another user's process, or gone
        }
        for (int start = 0; start < env.length; ) {
            int end = start;
            while (end < env.length && env[end] != 0) end++;
            if (startsWith(env, start, end, COOKIE_PREFIX)) {
                String value = new String(env, start + COOKIE_PREFIX.length, end - start - COOKIE_PREFIX.length, StandardCharsets.UTF_8);
                List<String> found = new ArrayList<>();
                for (String c : value.split(" ")) if (wanted.contains(c)) found.add(c);
                return found;
            }
            start = end + 1;
        }
        return List.of();
    }

    private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (b[from + i] != prefix[i]) return false;
        return true;
    }

    private static Map<Long, Stat> scan() {
        Map<Long, Stat> all = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                Stat s = stat(p.resolve("stat"));
                if (s != null) all.put(s.pid, s);
            }
        } catch (IOException e) {
            // /proc unreadable: we see no members; callers also signal the process groups directly
        }
        return all;
    }

    private static Stat stat(Path file) {
        try {
            String line = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            // "pid (comm) state ppid pgrp session ..." where comm may contain spaces and parentheses.
            int close = line.lastIndexOf(')');
            long pid = Long.parseLong(line.substring(0, line.indexOf(' ')));
            String[] f = line.substring(close + 2).split(" ", 6);
            char state = f[0].charAt(0);
            return new Stat(pid, Long.parseLong(f[1]), Long.parseLong(f[3]), state == 'Z' || state == 'X');
        } catch (IOException | RuntimeException e) {
            return null; // the process vanished while we looked
        }
    }
}
