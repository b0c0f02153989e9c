package dev.jbox.kernel.display;

/**
 * Where the output of one request goes: the kernel binds one to each {@code execute_request}, so every
 * message sent through it has that request as its parent, even after the request finished. Implementations
 * are thread-safe and coalesce stream text (timer, size, end of request); callers never block on the frontend.
 */
public interface CellOutput {

    /** Text for the {@code stdout} or {@code stderr} stream of the cell. */
    void stream(String name, String text);

    /** A {@code display_data} message; {@code displayId} may be null, otherwise it goes into {@code transient}. */
    void display(MimeBundle bundle, String displayId);

    /** An {@code update_display_data} for an existing display id. */
    void updateDisplay(MimeBundle bundle, String displayId);

    /** {@code clear_output}; with {@code wait} the frontend clears when the next output arrives. */
    void clearOutput(boolean wait);

    /**
     * Asks the frontend for a line of input ({@code input_request} on stdin) and blocks until the reply.
     * Throws {@link StdinNotAllowedException} when the request does not allow stdin; interruptible.
     */
    String readInput(String prompt, boolean password) throws InterruptedException;

    /** Sends what is buffered now. */
    void flush();
}
