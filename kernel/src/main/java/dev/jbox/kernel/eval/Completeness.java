package dev.jbox.kernel.eval;

/** Answer to {@code is_complete_request}: status is complete, incomplete or invalid; indent for incomplete. */
public record Completeness(Status status, String indent) {

    public enum Status { COMPLETE, INCOMPLETE, INVALID, UNKNOWN }

    public static Completeness complete() {
        return new Completeness(Status.COMPLETE, "");
    }

    public static Completeness incomplete(String indent) {
        return new Completeness(Status.INCOMPLETE, indent);
    }

    public static Completeness invalid() {
        return new Completeness(Status.INVALID, "");
    }
}
