package dev.jbox.kernel.deps;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a running resolution is downloading, written by the resolver's threads and read by the cell that shows it.
 * {@link #cancel()} makes the next transfer event fail, which stops the resolution.
 *
 * <pre>{@code
 * TransferProgress p = new TransferProgress();
 * // while resolving: if (p.started()) show(p.currentFile() + " from " + p.repository() + ": " + p.bytes() + " bytes");
 * }</pre>
 */
public final class TransferProgress {

    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger files = new AtomicInteger();
    private volatile String current;
    private volatile String repository;
    private volatile boolean cancelled;

    /** Whether any download started (cached artifacts download nothing). */
    public boolean started() {
        return current != null;
    }

    public long bytes() {
        return bytes.get();
    }

    public int files() {
        return files.get();
    }

    public void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    void fetching(String resource, String repositoryId) {
        current = resource;
        repository = repositoryId;
    }

    void received(long count) {
        bytes.addAndGet(count);
    }

    void done() {
        files.incrementAndGet();
    }

    /** The file name of the last download that started, or null. */
    public String currentFile() {
        String c = current;
        return c == null ? null : c.substring(c.lastIndexOf('/') + 1);
    }

    /** The id of the repository of the last download that started, or null. */
    public String repository() {
        return repository;
    }
}
