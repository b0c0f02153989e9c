package dev.jbox.client.remote.hopx;

import dev.jbox.client.SandboxException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Follows the output and the end of a sandbox's commands with long polls (poll.sh, run as a foreground command
 * through the VM agent: HopX has no stream of a background command's output). One main poll carries every watched
 * command and waits in the sandbox until one of them writes or ends; a command watched while it is in flight gets a
 * short poll of its own right away, which also wakes the main one so that it comes back with the new command in it.
 * A lost agent is retried for {@link HopxOptions#reconnectFor()} with one notice, and nothing is lost meanwhile:
 * the output is in files in the sandbox.
 */
final class OutputPoller implements AutoCloseable {

    /** Most bytes per stream, and in all, that one poll brings back. */
    static final int MAX_PER_STREAM = 1 << 20;
    static final int BUDGET = 4 << 20;
    /** How long a poll for newly watched commands waits. */
    private static final Duration FRESH_WAIT = Duration.ofSeconds(1);

    private final HopxCommands commands;
    private final Object lock = new Object();
    private final Map<String, HopxCommandHandle> watched = new LinkedHashMap<>(); // guarded by lock
    /** Keys of the main poll in flight, and whether it asked for their output; empty while it is not polling. */
    private Map<String, Boolean> inFlight = Map.of();                             // guarded by lock
    /** The same for the polls of newly watched commands in flight. */
    private final Map<String, Boolean> freshInFlight = new HashMap<>();           // guarded by lock
    private boolean closed;                                                       // guarded by lock
    private final Thread main;
    private final ExecutorService fresh;

    OutputPoller(HopxCommands commands) {
        this.commands = commands;
        this.main = new Thread(this::mainLoop, "jbox-hopx-poll");
        main.setDaemon(true);
        this.fresh = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jbox-hopx-poll-new");
            t.setDaemon(true);
            return t;
        });
        main.start();
    }

    /** Follows {@code h} (again: after it wants output now); polls at once if the main poll does not cover it. */
    void watch(HopxCommandHandle h) {
        boolean uncovered;
        synchronized (lock) {
            if (closed || h.ended()) return;
            watched.put(h.key(), h);
            uncovered = !inFlight.isEmpty() && !covered(h);
            lock.notifyAll();
        }
        if (uncovered) fresh.execute(this::freshLoop);
    }

    /** Whether a poll in flight follows {@code h} as it wants now (with or without its output). */
    private boolean covered(HopxCommandHandle h) {
        for (Map<String, Boolean> polls : List.of(inFlight, freshInFlight)) {
            Boolean asked = polls.get(h.key());
            if (asked != null && (asked || !h.wantsOutput())) return true;
        }
        return false;
    }

    void unwatch(HopxCommandHandle h) {
        synchronized (lock) {
            watched.remove(h.key());
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            watched.clear();
            lock.notifyAll();
        }
        main.interrupt();
        fresh.shutdownNow();
    }

    private void mainLoop() {
        long lostAt = 0;
        String lostWhy = null;
        long backoff = 50;
        while (true) {
            List<HopxCommandHandle> batch;
            synchronized (lock) {
                while (!closed && watched.isEmpty()) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                batch = new ArrayList<>(watched.values());
                Map<String, Boolean> keys = new HashMap<>();
                for (HopxCommandHandle h : batch) keys.put(h.key(), false); // not known yet: a watch() meanwhile polls at once
                inFlight = keys;
            }
            try {
                Poll p = prepare(batch);
                synchronized (lock) {
                    inFlight = p.askedOutput();
                }
                run(p, commands.options().pollWait(), false, "main");
                if (lostWhy != null) {
                    commands.notice("jbox: reached the HopX agent at " + commands.agent().url() + " again; output resumes where it stopped, nothing lost");
                    lostWhy = null;
                    backoff = 50;
                }
            } catch (SandboxException e) {
                if (isClosed()) return;
                long now = System.nanoTime();
                if (lostWhy == null) {
                    lostWhy = e.getMessage();
                    lostAt = now;
                    commands.notice("jbox: lost the HopX agent while following output (" + e.getMessage() + "); retrying for "
                            + commands.options().reconnectFor().toSeconds() + " s");
                } else if (now - lostAt > commands.options().reconnectFor().toNanos()) {
                    giveUp(new SandboxException("the HopX agent at " + commands.agent().url() + " has been unreachable for "
                            + commands.options().reconnectFor().toSeconds() + " s; stopped following output (" + e.getMessage()
                            + "); what the commands wrote is kept in the sandbox, %logs shows it once the agent answers"));
                    lostWhy = null;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(1000, backoff * 2);
            } finally {
                synchronized (lock) {
                    inFlight = Map.of();
                }
            }
        }
    }

    /** Polls newly watched commands until the main poll covers them (it is woken to pick them up). */
    private void freshLoop() {
        while (true) {
            List<HopxCommandHandle> uncovered = new ArrayList<>();
            Poll p;
            synchronized (lock) {
                if (closed || inFlight.isEmpty()) return; // the main poll takes them with its next round
                for (HopxCommandHandle h : watched.values()) if (!covered(h)) uncovered.add(h);
                if (uncovered.isEmpty()) return;
                p = prepare(uncovered);
                freshInFlight.putAll(p.askedOutput());
            }
            try {
                run(p, p.askedOutput().containsValue(true) ? FRESH_WAIT : Duration.ZERO, true, "fresh" + Thread.currentThread().getId());
            } catch (SandboxException e) {
                return; // the main poll reports a lost agent
            } finally {
                synchronized (lock) {
                    freshInFlight.keySet().removeAll(p.askedOutput().keySet());
                }
            }
        }
    }

    /** A poll's request: the lines of poll.sh's JBOX_W and the offsets they ask from. */
    private record Poll(List<HopxCommandHandle> handles, String lines, Map<String, long[]> offsets, Map<String, Boolean> askedOutput) {
    }

    private static Poll prepare(List<HopxCommandHandle> handles) {
        StringBuilder lines = new StringBuilder();
        Map<String, long[]> offsets = new HashMap<>();
        Map<String, Boolean> asked = new HashMap<>();
        for (HopxCommandHandle h : handles) {
            String line = h.pollLine();
            String[] w = line.split(" ");
            long out = w[1].equals("-") ? -1 : Long.parseLong(w[1]);
            long err = w[2].equals("-") ? -1 : Long.parseLong(w[2]);
            offsets.put(h.key(), new long[] {out, err});
            asked.put(h.key(), out >= 0);
            lines.append(line).append('\n');
        }
        return new Poll(handles, lines.toString(), offsets, asked);
    }

    private void run(Poll p, Duration wait, boolean wake, String slot) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JBOX_ROOT", commands.logDir());
        env.put("JBOX_W", p.lines());
        env.put("JBOX_WAIT", String.valueOf(wait.toSeconds()));
        env.put("JBOX_MAX", String.valueOf(MAX_PER_STREAM));
        env.put("JBOX_BUDGET", String.valueOf(BUDGET));
        env.put("JBOX_SLOT", slot);
        if (wake) env.put("JBOX_WAKE", "1");
        String text = commands.agent().script("output poll", Scripts.POLL, env, wait);
        Map<String, HopxCommandHandle> byKey = new HashMap<>();
        for (HopxCommandHandle h : p.handles()) byKey.put(h.key(), h);
        for (PollReport r : PollReport.parse(text)) {
            HopxCommandHandle h = byKey.get(r.key());
            long[] o = p.offsets().get(r.key());
            if (h != null && o != null) h.accept(r, o[0], o[1]);
        }
    }

    private void giveUp(SandboxException error) {
        List<HopxCommandHandle> all;
        synchronized (lock) {
            all = new ArrayList<>(watched.values());
            watched.clear();
        }
        commands.notice("jbox: " + error.getMessage());
        for (HopxCommandHandle h : all) h.fail(error);
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }
}
