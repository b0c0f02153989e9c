package dev.jbox.kernel.wire;

/** Frames that are not a valid, correctly signed Jupyter message. */
public class BadMessageException extends Exception {

    public BadMessageException(String message) {
        super(message);
    }
}
