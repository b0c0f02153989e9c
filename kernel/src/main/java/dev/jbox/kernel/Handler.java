package dev.jbox.kernel;

/** Handles one message type. Throwing {@link InvalidRequestException} drops the request with one log line. */
@FunctionalInterface
interface Handler {
    void handle(Request request) throws InvalidRequestException;
}
