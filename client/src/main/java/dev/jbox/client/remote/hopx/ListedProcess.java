package dev.jbox.client.remote.hopx;

import dev.jbox.client.CommandHandle;
import dev.jbox.client.CommandResult;
import dev.jbox.client.LogRead;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.ProcessInfo;
import dev.jbox.client.ProcessState;
import dev.jbox.client.SandboxException;
import dev.jbox.client.Signal;
import dev.jbox.client.StreamKind;
import dev.jbox.client.Subscription;
import dev.jbox.client.remote.hopx.HopxWire.ProcessEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A background process of the sandbox that jbox did not start (another HopX client did): all jbox knows of it is
 * HopX's process list, which is polled. Its output is what that list carries, which HopX may shorten: subscribing
 * says so in a notice.
 */
final class ListedProcess implements CommandHandle {

    private static final Duration POLL = Duration.ofMillis(500);

    private final HopxCommands commands;
    private final String processId;
    private volatile ProcessEntry last;

    ListedProcess(HopxCommands commands, ProcessEntry entry) {
        this.commands = commands;
        this.processId = entry.processId();
        this.last = entry;
    }

    /** HopX's state name as a {@link ProcessState}. */
    static ProcessState state(String hopx, Integer exitCode) {
        String s = hopx == null ? "" : hopx.toLowerCase(Locale.ROOT);
        return switch (s) {
            case HopxWire.QUEUED -> ProcessState.QUEUED;
            case HopxWire.RUNNING -> ProcessState.RUNNING;
            case HopxWire.COMPLETED -> exitCode == null || exitCode == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
            case HopxWire.KILLED -> ProcessState.KILLED;
            case HopxWire.TIMEOUT, "timed_out" -> ProcessState.TIMED_OUT;
            case HopxWire.FAILED -> ProcessState.FAILED;
            default -> exitCode == null ? ProcessState.RUNNING : exitCode == 0 ? ProcessState.COMPLETED : ProcessState.FAILED;
        };
    }

    static ProcessInfo info(ProcessEntry e) {
        ProcessState s = state(e.status(), e.exitCode());
        String end = e.completedAt() != null ? e.completedAt() : e.endTime();
        return new ProcessInfo(e.processId(), e.name(), e.pid() == null ? -1 : e.pid(),
                e.command() != null ? e.command() : e.name() != null ? e.name() : "(started outside jbox)", null, Map.of(), s,
                e.exitCode(), instant(e.startedAt()), s.isFinal() ? instant(end) : null, bytes(e.stdout()).length, bytes(e.stderr()).length,
                null, e.status(), null);
    }

    private static Instant instant(String iso) {
        if (iso == null || iso.isBlank()) return null;
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static byte[] bytes(String s) {
        return s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
    }

    /** The newest entry of this process in HopX's list (the last one seen, if it left the list). */
    private ProcessEntry refresh() {
        for (ProcessEntry e : commands.agent().processes().processes()) {
            if (processId.equals(e.processId())) {
                last = e;
                return e;
            }
        }
        return last;
    }

    @Override
    public String id() {
        return processId;
    }

    @Override
    public long pid() {
        return last.pid() == null ? -1 : last.pid();
    }

    @Override
    public ProcessInfo info() {
        return info(refresh());
    }

    @Override
    public ProcessState state() {
        return info().state();
    }

    @Override
    public Integer exitCode() {
        return info().exitCode();
    }

    @Override
    public CommandResult waitFor() throws InterruptedException {
        return waitFor(Duration.ofDays(365));
    }

    @Override
    public CommandResult waitFor(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ProcessInfo i = info();
        while (!i.state().isFinal() && System.nanoTime() < deadline) {
            Thread.sleep(Math.max(1, Math.min(POLL.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
            i = info();
        }
        return new CommandResult(processId, i.state(), i.exitCode(), "", "", i.stdoutBytes(), i.stderrBytes(), i.startedAt(),
                i.startedAt() == null ? null : Duration.between(i.startedAt(), i.endedAt() != null ? i.endedAt() : Instant.now()), null);
    }

    @Override
    public boolean kill() {
        return commands.agent().kill(processId);
    }

    @Override
    public void signal(Signal signal) {
        if (signal != Signal.TERM && signal != Signal.KILL) {
            throw new SandboxException(processId + " was not started by jbox: HopX can only kill it, not send it " + signal);
        }
        kill();
    }

    @Override
    public void sendStdin(byte[] data) {
        throw HopxCommandHandle.noStdin();
    }

    @Override
    public void closeStdin() {
        throw HopxCommandHandle.noStdin();
    }

    @Override
    public Subscription subscribe(long stdoutOffset, long stderrOffset, OutputListener listener) {
        commands.notice("jbox: " + processId + " was not started by jbox: its output is what HopX's process list shows, which may be"
                + " shortened; nothing else of it is kept");
        long[] at = {stdoutOffset, stderrOffset};
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    ProcessEntry e = refresh();
                    emit(listener, StreamKind.STDOUT, bytes(e.stdout()), at);
                    emit(listener, StreamKind.STDERR, bytes(e.stderr()), at);
                    ProcessInfo i = info(e);
                    if (i.state().isFinal()) {
                        listener.onExit(new CommandResult(processId, i.state(), i.exitCode(), "", "", i.stdoutBytes(), i.stderrBytes(),
                                i.startedAt(), null, null));
                        return;
                    }
                    Thread.sleep(POLL.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SandboxException e) {
                listener.onError(e);
            }
        }, "jbox-hopx-listed-" + processId);
        t.setDaemon(true);
        t.start();
        return new Subscription() {
            @Override
            public long stdoutOffset() {
                return at[0];
            }

            @Override
            public long stderrOffset() {
                return at[1];
            }

            @Override
            public void close() {
                t.interrupt();
            }
        };
    }

    /** What the list holds beyond the offset. */
    private static void emit(OutputListener listener, StreamKind stream, byte[] all, long[] at) {
        int i = stream.ordinal();
        if (all.length > at[i]) {
            listener.onOutput(new OutputChunk(stream, at[i], Arrays.copyOfRange(all, (int) at[i], all.length)));
            at[i] = all.length;
        }
    }

    @Override
    public String stdout() {
        return refresh().stdout() == null ? "" : last.stdout();
    }

    @Override
    public String stderr() {
        return refresh().stderr() == null ? "" : last.stderr();
    }

    @Override
    public LogRead readOutput(StreamKind stream, long offset, int maxBytes) {
        ProcessEntry e = refresh();
        byte[] all = bytes(stream == StreamKind.STDOUT ? e.stdout() : e.stderr());
        int from = (int) Math.min(offset, all.length);
        int to = (int) Math.min(all.length, (long) from + maxBytes);
        return new LogRead(stream, from, Arrays.copyOfRange(all, from, to), 0, all.length);
    }
}
