package dev.jbox.kernel.eval;

import dev.jbox.kernel.display.CellOutput;
import dev.jbox.kernel.display.MimeBundle;

/** The kernel's {@link CellOutput} of one evaluation, plus what notebook code needs of it: its stdin buffer. */
final class BoundCell implements CellOutput {

    private final CellOutput delegate;
    private final StdinBuffer stdin;

    BoundCell(CellOutput delegate) {
        this.delegate = delegate;
        this.stdin = new StdinBuffer(delegate);
    }

    StdinBuffer stdin() {
        return stdin;
    }

    @Override
    public void stream(String name, String text) {
        delegate.stream(name, text);
    }

    @Override
    public void display(MimeBundle bundle, String displayId) {
        delegate.display(bundle, displayId);
    }

    @Override
    public void updateDisplay(MimeBundle bundle, String displayId) {
        delegate.updateDisplay(bundle, displayId);
    }

    @Override
    public void clearOutput(boolean wait) {
        delegate.clearOutput(wait);
    }

    @Override
    public String readInput(String prompt, boolean password) throws InterruptedException {
        return delegate.readInput(prompt, password);
    }

    @Override
    public void flush() {
        delegate.flush();
    }
}
