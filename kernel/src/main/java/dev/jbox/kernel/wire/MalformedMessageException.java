package dev.jbox.kernel.wire;

/** Frames that are not a valid, correctly signed Jupyter message; the message says why (never the key). */
public final class MalformedMessageException extends Exception {

    public MalformedMessageException(String reason) {
        super(reason);
    }
}
