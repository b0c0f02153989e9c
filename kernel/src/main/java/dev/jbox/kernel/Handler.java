package dev.jbox.kernel;

/** Handles one kind of request; runs on the thread that owns the request's socket. */
@FunctionalInterface
interface Handler {
    void handle(Request request);
}
