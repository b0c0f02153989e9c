package dev.jbox.client.remote.envd;

import java.util.Locale;

/** Connect RPC error codes with the HTTP status the Connect protocol pairs them with. */
public enum ConnectCode {
    CANCELED(499), UNKNOWN(500), INVALID_ARGUMENT(400), DEADLINE_EXCEEDED(504), NOT_FOUND(404),
    ALREADY_EXISTS(409), PERMISSION_DENIED(403), RESOURCE_EXHAUSTED(429), FAILED_PRECONDITION(400),
    ABORTED(409), OUT_OF_RANGE(400), UNIMPLEMENTED(501), INTERNAL(500), UNAVAILABLE(503),
    DATA_LOSS(500), UNAUTHENTICATED(401);

    private final int httpStatus;

    ConnectCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The code as it appears on the wire, e.g. {@code not_found}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ConnectCode fromWire(String name) {
        if (name == null) return UNKNOWN;
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    /** Code for a non-200 answer without a Connect error body (Connect's HTTP-to-code table). */
    public static ConnectCode fromHttpStatus(int status) {
        return switch (status) {
            case 400 -> INTERNAL;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> UNIMPLEMENTED;
            case 429, 502, 503, 504 -> UNAVAILABLE;
            default -> UNKNOWN;
        };
    }
}
