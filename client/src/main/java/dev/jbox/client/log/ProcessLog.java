package dev.jbox.client.log;

import dev.jbox.client.LogRead;
import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The complete output of one stream of one process: an append-only file plus an in-memory ring of the newest
 * bytes. Offsets count every byte ever appended. With a cap the file is circular: it keeps the newest
 * {@code cap} bytes, and reads of older offsets report how many bytes were skipped.
 *
 * <p>One writer ({@link #append}, {@link #finish}), any number of concurrent readers ({@link #read}).
 * Watchers are called after every append so that followers can pull what is new; they must not block.
 *
 * <pre>{@code
 * ProcessLog log = ProcessLog.open(StreamKind.STDOUT, dir.resolve("p1.out"), 0, 64 * 1024);
 * log.append(bytes, 0, bytes.length);
 * LogRead r = log.read(0, 8192);    // r.offset(), r.bytes(), r.skipped(), r.end()
 * }</pre>
 */
public final class ProcessLog implements AutoCloseable {

    /** Default size of the in-memory tail. */
    public static final int DEFAULT_TAIL_BYTES = 64 * 1024;

    private static final byte[] EMPTY = new byte[0];
    /** A finished log at most this long stays in memory only; a longer one lives in its file alone. */
    private static final int KEEP_IN_MEMORY = 4096;

    private final StreamKind stream;
    private final Path file;
    private volatile FileChannel channel; // opened when the tail overflows for the first time
    private final long cap;
    private final int tailMax;
    private final Object tailLock = new Object();
    // Guarded by tailLock. The ring grows up to tailMax while it holds the whole log (no wrap yet), so that
    // short outputs cost only their size; once the log is finished and on file, the ring is released.
    private byte[] tail = EMPTY;
    private long tailEnd; // log offset just after the ring's newest byte

    private volatile long start;
    private volatile long end;
    private volatile boolean finished;
    private volatile boolean closed;
    private volatile IOException writeFailure;
    private final CopyOnWriteArrayList<Runnable> watchers = new CopyOnWriteArrayList<>();

    private ProcessLog(StreamKind stream, Path file, long cap, int tailBytes) {
        this.stream = stream;
        this.file = file;
        this.cap = cap;
        this.tailMax = (int) (cap > 0 ? Math.min(cap, tailBytes) : tailBytes);
    }

    /**
     * A new log. The file is created (or truncated) only once the output outgrows the in-memory tail, so that
     * short outputs cost no file system work.
     *
     * @param capBytes  keep at most this many of the newest bytes; 0 keeps everything
     * @param tailBytes size of the in-memory ring of newest bytes
     */
    public static ProcessLog open(StreamKind stream, Path file, long capBytes, int tailBytes) {
        if (capBytes < 0) throw new IllegalArgumentException("capBytes must be >= 0");
        if (tailBytes < 0) throw new IllegalArgumentException("tailBytes must be >= 0");
        return new ProcessLog(stream, file, capBytes, tailBytes);
    }

    public StreamKind stream() {
        return stream;
    }

    public Path file() {
        return file;
    }

    /** Offset just after the newest byte: the total number of bytes ever appended. */
    public long end() {
        return end;
    }

    /** Oldest offset still retained (greater than 0 only when a cap dropped bytes). */
    public long start() {
        return start;
    }

    /** True once the writer saw the end of the stream: no more bytes will come. */
    public boolean finished() {
        return finished;
    }

    /** The first error writing the file, if any (bytes still go to the in-memory tail). */
    public IOException writeFailure() {
        return writeFailure;
    }

    /** Appends bytes. Only one thread may append. */
    public void append(byte[] bytes, int off, int len) {
        if (len <= 0) return;
        long e = end;
        if (channel == null && e + len <= tailMax) { // still fits in memory
            copyToTail(bytes, off, len);
            end = e + len;
            notifyWatchers();
            return;
        }
        if (writeFailure == null && !closed) {
            try {
                if (channel == null) spill(e);
                if (cap > 0) {
                    long newEnd = e + len;
                    if (newEnd - cap > start) start = newEnd - cap; // published before the overwrite: readers re-check it
                    int skip = (int) Math.max(0, len - cap);
                    writeCircular(bytes, off + skip, len - skip, e + skip);
                } else {
                    writeAt(ByteBuffer.wrap(bytes, off, len), e);
                }
            } catch (IOException ex) {
                writeFailure = ex;
            }
        }
        copyToTail(bytes, off, len);
        end = e + len;
        notifyWatchers();
    }

    /** Marks the end of the stream. */
    public void finish() {
        if (channel == null && end > KEEP_IN_MEMORY && writeFailure == null && !closed) {
            try {
                spill(end); // so that the many ended processes of a long session hold little memory
            } catch (IOException e) {
                writeFailure = e;
            }
        }
        synchronized (tailLock) {
            if (channel != null && writeFailure == null) {
                tail = EMPTY; // everything is on file
            } else if (tailEnd < tail.length) {
                tail = java.util.Arrays.copyOf(tail, (int) tailEnd); // never wrapped: keep exactly the log
            }
        }
        finished = true;
        notifyWatchers();
    }

    /**
     * Up to {@code maxBytes} from {@code offset}. If the cap dropped bytes at {@code offset}, the read starts at
     * the oldest retained byte and {@code skipped} says how many were lost. Reading at or past the end returns no
     * bytes.
     */
    public LogRead read(long offset, int maxBytes) {
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
        long e = end;
        long from = Math.max(offset, start);
        if (from >= e || maxBytes == 0) {
            return new LogRead(stream, Math.max(offset, Math.min(from, e)), EMPTY, Math.max(0, Math.min(from, e) - offset), e);
        }
        int n = (int) Math.min(maxBytes, e - from);
        byte[] out = new byte[n];
        if (!readTail(from, out)) {
            readFile(from, out);
            long s = start; // a capped writer may have overwritten part of what we just read
            if (s > from) {
                long lost = s - from;
                if (lost >= n) return read(offset, maxBytes);
                byte[] kept = new byte[(int) (n - lost)];
                System.arraycopy(out, (int) lost, kept, 0, kept.length);
                return new LogRead(stream, s, kept, s - offset, e);
            }
        }
        return new LogRead(stream, from, out, from - offset, e);
    }

    public void addWatcher(Runnable watcher) {
        watchers.add(watcher);
    }

    public void removeWatcher(Runnable watcher) {
        watchers.remove(watcher);
    }

    /** Closes the file (the in-memory tail stays readable); with {@code delete} the file is removed. Only after the writer finished. */
    public void close(boolean delete) {
        closed = true;
        try {
            FileChannel ch = channel;
            if (ch != null) ch.close();
            if (delete) Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        close(false);
    }

    private void notifyWatchers() {
        for (Runnable w : watchers) w.run();
    }

    /** Creates the file with the {@code size} bytes held so far in the tail (all of them: the tail never wrapped yet). */
    private void spill(long size) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        byte[] held = new byte[(int) size];
        synchronized (tailLock) {
            System.arraycopy(tail, 0, held, 0, held.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(held);
        long pos = 0;
        while (buf.hasRemaining()) pos += ch.write(buf, pos);
        channel = ch;
    }

    private void writeCircular(byte[] b, int off, int len, long logicalOffset) throws IOException {
        long pos = logicalOffset % cap;
        int first = (int) Math.min(len, cap - pos);
        writeAt(ByteBuffer.wrap(b, off, first), pos);
        if (first < len) writeAt(ByteBuffer.wrap(b, off + first, len - first), 0);
    }

    private void writeAt(ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) pos += channel.write(buf, pos);
    }

    private void copyToTail(byte[] b, int off, int len) {
        if (tailMax == 0) return;
        synchronized (tailLock) {
            long at = tailEnd;
            if (tail.length < tailMax && at + len > tail.length) { // grow; the content is still linear
                long want = Math.max(at + len, Math.max(2L * tail.length, 4096));
                tail = java.util.Arrays.copyOf(tail, (int) Math.min(tailMax, want));
            }
            int size = tail.length;
            if (len > size) { // only the newest `size` bytes fit
                at += len - size;
                off += len - size;
                len = size;
            }
            int pos = (int) (at % size);
            int first = Math.min(len, size - pos);
            System.arraycopy(b, off, tail, pos, first);
            if (first < len) System.arraycopy(b, off + first, tail, 0, len - first);
            tailEnd = at + len;
        }
    }

    private boolean readTail(long from, byte[] out) {
        synchronized (tailLock) {
            int size = tail.length;
            if (size == 0) return false;
            if (from < tailEnd - size || from + out.length > tailEnd) return false;
            int pos = (int) (from % size);
            int first = Math.min(out.length, size - pos);
            System.arraycopy(tail, pos, out, 0, first);
            if (first < out.length) System.arraycopy(tail, 0, out, first, out.length - first);
            return true;
        }
    }

    private void readFile(long from, byte[] out) {
        if (writeFailure != null) throw new SandboxException("the " + stream.name().toLowerCase() + " log file " + file
                + " could not be written (" + writeFailure.getMessage() + "); only the newest " + tailMax + " bytes are kept");
        try {
            if (cap > 0) {
                long pos = from % cap;
                int first = (int) Math.min(out.length, cap - pos);
                readAt(ByteBuffer.wrap(out, 0, first), pos);
                if (first < out.length) readAt(ByteBuffer.wrap(out, first, out.length - first), 0);
            } else {
                readAt(ByteBuffer.wrap(out), from);
            }
        } catch (IOException e) {
            throw new SandboxException("cannot read log file " + file + ": " + e, e);
        }
    }

    private void readAt(ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file at " + pos);
            pos += n;
        }
    }
}
