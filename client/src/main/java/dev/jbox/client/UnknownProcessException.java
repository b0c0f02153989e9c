package dev.jbox.client;

/** No process with that id in this sandbox. */
public class UnknownProcessException extends SandboxException {

    public UnknownProcessException(String id) {
        super("no process '" + id + "' in this sandbox");
    }
}
