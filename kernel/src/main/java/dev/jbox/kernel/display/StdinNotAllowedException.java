package dev.jbox.kernel.display;

/** Input was read where the frontend did not allow stdin ({@code allow_stdin: false}). */
public class StdinNotAllowedException extends RuntimeException {

    public StdinNotAllowedException() {
        super("this frontend does not support input (allow_stdin is false): System.in cannot be read here");
    }
}
