package dev.jbox.kernel.deps;

/** A resolution or class path change that failed; the message is one line for the user, and nothing was added. */
public final class ResolutionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ResolutionException(String message) {
        super(message, null, false, false);
    }
}
