package dev.jbox.client.remote.envd;

/** A Connect RPC error: a code and a one-line message. */
public class ConnectException extends RuntimeException {

    private final ConnectCode code;

    public ConnectException(ConnectCode code, String message) {
        super(message);
        this.code = code;
    }

    public ConnectCode code() {
        return code;
    }

    /** The JSON error object of the Connect protocol. */
    public ErrorBody body() {
        return new ErrorBody(code.wireName(), getMessage());
    }

    /** {@code {"code": "...", "message": "..."}} */
    public record ErrorBody(String code, String message) {
        public ConnectException toException() {
            return new ConnectException(ConnectCode.fromWire(code), message == null ? "" : message);
        }
    }
}
