package dev.jbox.client;

/** A sandbox operation failed; the message is one line saying what and why. */
public class SandboxException extends RuntimeException {

    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
