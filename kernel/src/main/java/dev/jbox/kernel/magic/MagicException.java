package dev.jbox.kernel.magic;

/** A magic failed for a reason the user can fix; the message is one line. {@code usage} marks option errors. */
public class MagicException extends RuntimeException {

    private final String ename;

    public MagicException(String ename, String message) {
        super(message);
        this.ename = ename;
    }

    public static MagicException usage(String message) {
        return new MagicException("UsageError", message);
    }

    public static MagicException failed(String message) {
        return new MagicException("MagicError", message);
    }

    public String ename() {
        return ename;
    }
}
