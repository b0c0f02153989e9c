package dev.jbox.client.local;

import dev.jbox.client.Commands;
import dev.jbox.client.LocalOptions;
import dev.jbox.client.Sandbox;

/** Placeholder until the local backend lands (issue 3). */
public final class LocalSandbox implements Sandbox {

    public LocalSandbox(LocalOptions options) {
        throw new UnsupportedOperationException("the local sandbox is not implemented yet");
    }

    @Override
    public Commands commands() {
        throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
        return "local";
    }

    @Override
    public void close() {
    }
}
