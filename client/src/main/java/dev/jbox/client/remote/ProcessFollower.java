package dev.jbox.client.remote;

import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;
import dev.jbox.client.remote.envd.ConnectCode;
import dev.jbox.client.remote.envd.ConnectException;
import dev.jbox.client.remote.envd.Messages.ConnectRequest;
import dev.jbox.client.remote.envd.Messages.DataEvent;
import dev.jbox.client.remote.envd.Messages.ProcessSelector;
import dev.jbox.client.remote.envd.Messages.ResumeExt;
import dev.jbox.client.remote.envd.Messages.StreamResponse;
import dev.jbox.client.remote.envd.Protocol;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Follows one process's event stream on its own thread and survives dropped connections: it reconnects with
 * {@code Connect}, resuming from the byte offsets it has seen when the agent can replay (nothing lost), or from
 * "now" against stock envd (and then says what may be missing). One notice line when the connection is lost,
 * one when it is back; gives up after {@link RemoteOptions#reconnectFor()}.
 */
final class ProcessFollower implements Runnable, AutoCloseable {

    private final EnvdClient client;
    private final long pid;
    private final boolean replay;
    private final boolean quiet;
    private final EventSink sink;
    private volatile EventReader reader;
    private volatile boolean stopped;
    private long stdout;
    private long stderr;
    private final Thread thread;

    /**
     * @param quiet   ask a jbox agent for no data events (a watcher that only needs the end)
     * @param initial an already-open stream whose start event was read (the Start call), or null to connect
     */
    ProcessFollower(EnvdClient client, long pid, long stdoutOffset, long stderrOffset, boolean replay, boolean quiet, EventSink sink,
                    EventReader initial) {
        this.client = client;
        this.quiet = quiet && replay;
        this.pid = pid;
        this.replay = replay;
        this.sink = sink;
        this.stdout = stdoutOffset;
        this.stderr = stderrOffset;
        this.reader = initial;
        this.thread = new Thread(this, "jbox-remote-pid-" + pid);
        thread.setDaemon(true);
    }

    ProcessFollower start() {
        thread.start();
        return this;
    }

    long stdoutOffset() {
        return stdout;
    }

    long stderrOffset() {
        return stderr;
    }

    @Override
    public void close() {
        stopped = true;
        EventReader r = reader;
        if (r != null) r.cancel();
        thread.interrupt();
    }

    @Override
    public void run() {
        long lostAt = 0;
        String lostWhy = null;
        long backoff = 50;
        while (!stopped) {
            String why;
            try {
                if (reader == null) {
                    reader = open();
                    if (lostWhy != null) {
                        client.options().notices().accept(quiet
                                ? "jbox: reconnected to " + client.baseUrl() + ", watching pid " + pid + " again"
                                : replay
                                ? "jbox: reconnected to " + client.baseUrl() + ", pid " + pid + " resumed at stdout byte " + stdout + ", stderr byte " + stderr + ": nothing lost"
                                : "jbox: reconnected to " + client.baseUrl() + ", pid " + pid + ": output printed while disconnected may be missing (envd cannot replay; stdout had " + stdout + " bytes, stderr " + stderr + ")");
                        lostWhy = null;
                        backoff = 50;
                    }
                }
                if (pump()) return;
                why = "the stream ended before the process did";
            } catch (ConnectException e) {
                if (e.code() == ConnectCode.UNAVAILABLE || e.code() == ConnectCode.DEADLINE_EXCEEDED) {
                    why = e.getMessage();
                } else if (e.code() == ConnectCode.NOT_FOUND && lostWhy != null && !replay) {
                    fail("pid " + pid + " ended while the connection to " + client.baseUrl() + " was down; its exit code and last output are unknown (envd cannot replay)");
                    return;
                } else {
                    fail(e.getMessage());
                    return;
                }
            } catch (IOException e) {
                why = EnvdClient.describe(e);
            } finally {
                EventReader r = reader;
                reader = null;
                if (r != null) r.close();
            }
            if (stopped) return;
            long now = System.nanoTime();
            if (lostWhy == null) {
                lostWhy = why;
                lostAt = now;
                client.options().notices().accept("jbox: connection to " + client.baseUrl() + " lost while following pid " + pid
                        + " (" + why + "); reconnecting for up to " + client.options().reconnectFor().toSeconds() + " s");
            } else if (now - lostAt > client.options().reconnectFor().toNanos()) {
                fail("the agent at " + client.baseUrl() + " has been unreachable for " + client.options().reconnectFor().toSeconds()
                        + " s; stopped following pid " + pid + " (" + why + ")");
                return;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(1000, backoff * 2);
        }
    }

    private void fail(String message) {
        if (stopped) return;
        client.options().notices().accept("jbox: " + message);
        sink.onFailure(new SandboxException(message));
    }

    private EventReader open() throws IOException {
        ConnectRequest req = new ConnectRequest(ProcessSelector.ofPid(pid), replay ? new ResumeExt(stdout, stderr, quiet ? Boolean.TRUE : null, quiet ? null : Boolean.TRUE) : null);
        EventReader r = client.stream(Protocol.SERVICE + "Connect", req, Map.of());
        try {
            StreamResponse first = r.next();
            if (first == null || first.event() == null || first.event().start() == null) {
                throw new IOException("the agent did not answer Connect with a start event");
            }
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** Reads events until the end event (true) or a clean end of stream without one (false). */
    private boolean pump() throws IOException {
        while (!stopped) {
            StreamResponse ev = reader.next();
            if (ev == null) return false;
            if (ev.jbox() != null && ev.jbox().gap() != null) {
                var g = ev.jbox().gap();
                StreamKind kind = "stderr".equals(g.stream()) ? StreamKind.STDERR : StreamKind.STDOUT;
                sink.onGap(kind, g.offset(), g.missing());
                if (kind == StreamKind.STDOUT) stdout = Math.max(stdout, g.offset() + g.missing());
                else stderr = Math.max(stderr, g.offset() + g.missing());
            }
            if (ev.event() == null) continue;
            if (ev.event().data() != null) {
                data(ev.event().data(), ev.jbox() == null ? null : ev.jbox().offset());
            } else if (ev.event().end() != null) {
                if (ev.jbox() != null && ev.jbox().stdoutBytes() != null && ev.jbox().stderrBytes() != null) {
                    stdout = ev.jbox().stdoutBytes();
                    stderr = ev.jbox().stderrBytes();
                    sink.onTotals(stdout, stderr);
                }
                if (!stopped) sink.onEnd(ev.event().end());
                return true;
            }
        }
        return true;
    }

    private void data(DataEvent d, Long at) {
        StreamKind kind = d.stdout() != null ? StreamKind.STDOUT : d.stderr() != null ? StreamKind.STDERR : null;
        if (kind == null) return; // pty output: never requested
        byte[] bytes = kind == StreamKind.STDOUT ? d.stdout() : d.stderr();
        long expected = kind == StreamKind.STDOUT ? stdout : stderr;
        long offset = at == null ? expected : at;
        if (offset < expected) { // replayed bytes we already have
            int skip = (int) Math.min(bytes.length, expected - offset);
            bytes = Arrays.copyOfRange(bytes, skip, bytes.length);
            offset = expected;
        }
        if (bytes.length == 0 || stopped) return;
        sink.onData(kind, offset, bytes);
        if (kind == StreamKind.STDOUT) stdout = offset + bytes.length;
        else stderr = offset + bytes.length;
    }
}
