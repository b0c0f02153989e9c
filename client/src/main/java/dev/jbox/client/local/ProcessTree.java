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

/**
 * Finds and signals the process trees of commands. Each command leads its own session (started under
 * {@code setsid}), so its tree is: every process of that session, plus descendants that left it with their own
 * {@code setsid}. Linux /proc gives both; elsewhere only {@link ProcessHandle#descendants()} is used.
 */
final class ProcessTree {

    private static final Path PROC = Path.of("/proc");
    private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));
    private static final long SELF = ProcessHandle.current().pid();
    private static final String KILL = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";

    private ProcessTree() {
    }

    /** A process as /proc shows it. */
    private record Stat(long pid, long ppid, long session, boolean dead) {
    }

    /** Live members of the trees led by {@code leaders}, plus those of {@code known} still alive. */
    static Set<Long> members(Collection<Long> leaders, Collection<Long> known) {
        Set<Long> result = new HashSet<>();
        if (!HAS_PROC) {
            for (long leader : leaders) {
                ProcessHandle.of(leader).ifPresent(h -> {
                    if (h.isAlive()) result.add(leader);
                    h.descendants().forEach(d -> result.add(d.pid()));
                });
            }
            for (long p : known) ProcessHandle.of(p).filter(ProcessHandle::isAlive).ifPresent(h -> result.add(p));
            return result;
        }
        Map<Long, Stat> all = scan();
        Set<Long> sessions = new HashSet<>(leaders);
        Map<Long, List<Long>> children = new HashMap<>();
        for (Stat s : all.values()) {
            if (s.dead) continue;
            children.computeIfAbsent(s.ppid, k -> new ArrayList<>()).add(s.pid);
            if (sessions.contains(s.session)) result.add(s.pid);
        }
        for (long p : known) {
            Stat s = all.get(p);
            if (s != null && !s.dead) result.add(p);
        }
        result.remove(SELF);
        // Descendants that started sessions of their own.
        List<Long> todo = new ArrayList<>(result);
        for (long l : leaders) if (all.containsKey(l) && !all.get(l).dead) todo.add(l);
        while (!todo.isEmpty()) {
            long p = todo.remove(todo.size() - 1);
            for (long c : children.getOrDefault(p, List.of())) {
                if (c != SELF && result.add(c)) todo.add(c);
            }
        }
        return result;
    }

    /**
     * Of these leaders of commands that have ended (and were reaped), those whose session still has live members:
     * background children they left behind. A leader pid that exists again belongs to another process now and is
     * skipped (while members of a session live, the kernel does not hand out its id as a new pid).
     */
    static List<Long> withLeftovers(Collection<Long> endedLeaders) {
        List<Long> result = new ArrayList<>();
        if (!HAS_PROC || endedLeaders.isEmpty()) return result;
        Map<Long, Stat> all = scan();
        Set<Long> liveSessions = new HashSet<>();
        for (Stat s : all.values()) if (!s.dead) liveSessions.add(s.session);
        for (long l : endedLeaders) if (!all.containsKey(l) && liveSessions.contains(l)) result.add(l);
        return result;
    }

    /** Sends {@code signal} to the process groups of {@code leaders} and to each of {@code pids}. Errors for processes that are gone are ignored. */
    static void signal(Signal signal, Collection<Long> leaders, Collection<Long> pids) {
        List<String> cmd = new ArrayList<>();
        cmd.add(KILL);
        cmd.add("-" + signal.number());
        cmd.add("--");
        for (long l : leaders) cmd.add("-" + l);
        for (long p : pids) if (!leaders.contains(p)) cmd.add(Long.toString(p));
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
    static void terminate(Collection<Long> leaders, Duration grace) {
        Set<Long> known = members(leaders, Set.of());
        signal(Signal.TERM, leaders, known);
        long deadline = System.nanoTime() + Math.min(LocalProcess.nanos(grace), Long.MAX_VALUE / 4);
        long pause = 5;
        while (System.nanoTime() < deadline) {
            Set<Long> alive = members(leaders, known);
            if (alive.isEmpty()) return;
            known.addAll(alive);
            sleep(Math.min(pause, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            pause = Math.min(pause * 2, 50);
        }
        for (int round = 0; round < 100; round++) {
            Set<Long> alive = members(leaders, known);
            if (alive.isEmpty()) return;
            known.addAll(alive);
            signal(Signal.KILL, leaders, alive);
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
