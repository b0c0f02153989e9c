package dev.jbox.client.log;

import dev.jbox.client.LogRead;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedList;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The complete output of one stream of one process: a file that the process itself appends to (it holds the
 * file open, not a pipe of ours), read here by offset. The byte at offset N is the file's byte N, so any
 * reader, in this JVM or another, sees the same offsets. Nothing is kept in memory.
 *
 * <p>With a cap, only the newest {@code cap} bytes count as retained: the log's {@link #start()} is
 * {@code end - cap}, reads of older offsets report how many bytes were skipped, and {@link #reclaim()} frees
 * the disk space below the start (punching a hole, so offsets stay as they are). Every reader computes the same
 * start from the file's size.
 *
 * <p>Who writes is outside this class; {@link #refresh()} notices growth (a poller calls it) and tells the
 * watchers, which must not block.
 *
 * <pre>{@code
 * ProcessLog log = ProcessLog.open(StreamKind.STDOUT, dir.resolve("p1.out"), 0);  // creates the file
 * // ... a process appends to p1.out ...
 * log.refresh();                    // watchers hear of new bytes
 * LogRead r = log.read(0, 8192);    // r.offset(), r.bytes(), r.skipped(), r.end()
 * }</pre>
 */
public final class ProcessLog implements AutoCloseable {

    private static final byte[] EMPTY = new byte[0];

    private final StreamKind stream;
    private final Path file;
    private final long cap;
    private volatile FileChannel channel; // reopened if an interrupted reader closed it (see io)
    private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();
    private volatile long seen;      // size at the last refresh: what watchers have been told of
    private volatile long reclaimed; // bytes below this offset were punched out of the file
    private final LinkedList<long[]> samples = new LinkedList<>(); // guarded by itself: (nanoTime, end), about one a second
    private volatile boolean closed;

    private ProcessLog(StreamKind stream, Path file, long cap, FileChannel channel) {
        this.stream = stream;
        this.file = file;
        this.cap = cap;
        this.channel = channel;
    }

    /**
     * The log in {@code file}, created empty when it does not exist yet (the process then opens it for appending).
     *
     * @param capBytes keep at most this many of the newest bytes; 0 keeps everything
     */
    public static ProcessLog open(StreamKind stream, Path file, long capBytes) {
        if (capBytes < 0) throw new IllegalArgumentException("capBytes must be >= 0");
        try {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ProcessLog log = new ProcessLog(stream, file, capBytes, ch);
            log.seen = log.io(FileChannel::size);
            return log;
        } catch (IOException e) {
            throw new SandboxException("cannot open log file " + file + ": " + e.getMessage(), e);
        }
    }

    public StreamKind stream() {
        return stream;
    }

    public Path file() {
        return file;
    }

    public long cap() {
        return cap;
    }

    /** Offset just after the newest byte: the total number of bytes the process wrote so far. */
    public long end() {
        if (closed) return seen;
        try {
            long size = io(FileChannel::size);
            return Math.max(size, seen);
        } catch (IOException e) {
            return seen; // closed under us
        }
    }

    /** Oldest offset still retained (greater than 0 only when a cap dropped bytes). */
    public long start() {
        return startFor(end());
    }

    private long startFor(long end) {
        return cap > 0 ? Math.max(0, end - cap) : 0;
    }

    /** Looks at the file's size; if it grew since the last look, tells the watchers. Returns true if it grew. */
    public boolean refresh() {
        long e = end();
        if (e <= seen) return false;
        seen = e;
        for (Runnable w : watchers) w.run();
        return true;
    }

    /**
     * Up to {@code maxBytes} from {@code offset}. If the cap dropped bytes at {@code offset}, the read starts at
     * the oldest retained byte and {@code skipped} says how many were lost. Reading at or past the end returns no
     * bytes.
     */
    public LogRead read(long offset, int maxBytes) {
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
        long e = end();
        long from = Math.max(offset, startFor(e));
        if (from >= e || maxBytes == 0) {
            return new LogRead(stream, Math.max(offset, Math.min(from, e)), EMPTY, Math.max(0, Math.min(from, e) - offset), e);
        }
        int n = (int) Math.min(maxBytes, e - from);
        byte[] out = new byte[n];
        int got = readAt(out, from);
        long s = start(); // the process may have written more meanwhile, moving the capped start past what we read
        if (s > from) {
            long lost = s - from;
            if (lost >= got) return read(offset, maxBytes);
            byte[] kept = new byte[(int) (got - lost)];
            System.arraycopy(out, (int) lost, kept, 0, kept.length);
            return new LogRead(stream, s, kept, s - offset, e);
        }
        if (got < n) out = java.util.Arrays.copyOf(out, got);
        return new LogRead(stream, from, out, from - offset, e);
    }

    public void addWatcher(Runnable watcher) {
        watchers.add(watcher);
    }

    public void removeWatcher(Runnable watcher) {
        watchers.remove(watcher);
    }

    /**
     * Bytes written longer than this ago are on disk already (Linux writes dirty pages back after 30 s), so punching
     * them out does not make the kernel write them first: punching fresh bytes would, and would stall the writer.
     */
    static volatile long settledNanos = 40_000_000_000L; // tests shorten it

    /** True when the cap dropped enough settled bytes for {@link #reclaim()} to be worth running. */
    public boolean needsReclaim() {
        return cap > 0 && !closed && reclaimable() - reclaimed >= Math.max(cap / 4, 1 << 20);
    }

    /**
     * Frees the disk space of the bytes the cap dropped, once they are 40 seconds old, by punching a hole
     * into the file (util-linux's {@code fallocate}, which every Debian and Ubuntu system has). Offsets and the file's
     * size stay; reads never reach below {@link #start()}. So the file holds the cap plus what the process wrote in
     * the last 40 seconds. Blocks until done; returns false if the hole could not be punched (the bytes are still
     * dropped for readers, only the disk space is not freed).
     */
    public boolean reclaim() {
        long to = reclaimable();
        long from = reclaimed;
        if (to <= from || closed) return true;
        reclaimed = to;
        try {
            Process p = new ProcessBuilder("fallocate", "--punch-hole", "--offset", Long.toString(from), "--length",
                    Long.toString(to - from), file.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Remembers how far the log reaches now, so that {@link #reclaim()} knows when those bytes have settled. The owner
     * calls it when the writer ended (later bytes are rare); {@link #needsReclaim()} does the same about once a second.
     */
    public void noteEnd() {
        sample(true);
    }

    private void sample(boolean always) {
        long now = System.nanoTime();
        synchronized (samples) {
            if (always || samples.isEmpty() || now - samples.peekLast()[0] >= 1_000_000_000L) samples.addLast(new long[] {now, end()});
        }
    }

    /** Below this offset the bytes are both dropped by the cap and settled on disk. */
    private long reclaimable() {
        sample(false);
        long now = System.nanoTime();
        long settledEnd = 0;
        synchronized (samples) {
            while (samples.size() > 1 && now - samples.get(1)[0] >= settledNanos) samples.removeFirst();
            long[] oldest = samples.peekFirst();
            if (now - oldest[0] >= settledNanos) settledEnd = oldest[1];
        }
        return Math.min(start(), settledEnd);
    }

    /** Closes the file (its last size stays readable through {@link #end()}); with {@code delete} the file is removed. */
    public void close(boolean delete) {
        if (!closed) seen = end();
        try {
            synchronized (this) { // after this, io() reopens nothing
                closed = true;
                channel.close();
            }
            if (delete) Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort: a log file of an ended process
        }
    }

    @Override
    public void close() {
        close(false);
    }

    private int readAt(byte[] out, long pos) {
        if (closed) throw new SandboxException("the " + stream.name().toLowerCase() + " log " + file + " is closed");
        ByteBuffer buf = ByteBuffer.wrap(out);
        try {
            return io(ch -> {
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos + buf.position());
                    if (n < 0) break; // cannot happen below the size we saw, unless the file was truncated
                }
                return buf.position();
            });
        } catch (IOException e) {
            throw new SandboxException("cannot read log file " + file + ": " + e, e);
        }
    }

    private interface ChannelCall<T> {
        T apply(FileChannel channel) throws IOException;
    }

    /**
     * Runs {@code call} on the channel, which every reader shares. A FileChannel closes itself when a thread that
     * uses it is interrupted (a cell the user interrupts while it reads a log): the interrupt then stays for that
     * thread, and the channel is opened again, so that one interrupt does not end the log for everyone.
     */
    private <T> T io(ChannelCall<T> call) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel ch = channel;
                try {
                    return call.apply(ch);
                } catch (ClosedChannelException e) { // also ClosedByInterruptException, AsynchronousCloseException
                    interrupted |= Thread.interrupted();
                    if (closed || attempt >= 3) throw e;
                    reopen(ch);
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private synchronized void reopen(FileChannel broken) throws IOException {
        if (channel == broken && !closed) channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
}
