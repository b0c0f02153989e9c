package dev.jbox.client;

/** A live subscription to a process's output; closing it stops delivery. */
public interface Subscription extends AutoCloseable {

    /** Offset after the last stdout byte delivered. */
    long stdoutOffset();

    /** Offset after the last stderr byte delivered. */
    long stderrOffset();

    @Override
    void close();
}
