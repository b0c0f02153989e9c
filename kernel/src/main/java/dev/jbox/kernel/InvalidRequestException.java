package dev.jbox.kernel;

/** A request whose content lacks required fields or has wrong types; it is logged and dropped. */
final class InvalidRequestException extends Exception {

    InvalidRequestException(String message) {
        super(message);
    }
}
