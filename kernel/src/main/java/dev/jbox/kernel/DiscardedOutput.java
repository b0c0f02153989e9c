package dev.jbox.kernel;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;
import dev.jbox.kernel.display.StdinNotAllowedException;

/** Output of a {@code silent} execute: nothing reaches the frontend. */
final class DiscardedOutput implements CellOutput {

    @Override
    public void stream(String name, String text) {
    }

    @Override
    public void display(MimeBundle bundle, String displayId) {
    }

    @Override
    public void updateDisplay(MimeBundle bundle, String displayId) {
    }

    @Override
    public void clearOutput(boolean wait) {
    }

    @Override
    public String readInput(String prompt, boolean password) {
        throw new StdinNotAllowedException();
    }

    @Override
    public void flush() {
    }
}
