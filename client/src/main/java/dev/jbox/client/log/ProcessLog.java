package dev.jbox.client.log;

import dev.jbox.client.LogRead;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    private final FileChannel channel;
    private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();
    private volatile long seen;      // size at the last refresh: what watchers have been told of
    private volatile long reclaimed; // bytes below this offset were punched out of the file
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
            log.seen = ch.size();
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
            long size = channel.size();
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

    /** True when the cap dropped enough bytes for {@link #reclaim()} to be worth running. */
    public boolean needsReclaim() {
        return cap > 0 && !closed && start() - reclaimed >= Math.max(cap / 4, 1 << 20);
    }

    /**
     * Frees the disk space of the bytes the cap dropped by punching a hole into the file (util-linux's
     * {@code fallocate}, which every Debian and Ubuntu system has). Offsets and the file's size stay; reads never
     * reach below {@link #start()}. Blocks until done; returns false if the hole could not be punched (the bytes
     * are still dropped for readers, only the disk space is not freed).
     */
    public boolean reclaim() {
        long s = start();
        long from = reclaimed;
        if (s <= from || closed) return true;
        reclaimed = s;
        try {
            Process p = new ProcessBuilder("fallocate", "--punch-hole", "--offset", Long.toString(from), "--length",
                    Long.toString(s - from), file.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes the file (its last size stays readable through {@link #end()}); with {@code delete} the file is removed. */
    public void close(boolean delete) {
        if (!closed) seen = end();
        closed = true;
        try {
            channel.close();
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
            while (buf.hasRemaining()) {
                int n = channel.read(buf, pos + buf.position());
                if (n < 0) break; // cannot happen below the size we saw, unless the file was truncated
            }
            return buf.position();
        } catch (IOException e) {
            throw new SandboxException("cannot read log file " + file + ": " + e, e);
        }
    }
}
