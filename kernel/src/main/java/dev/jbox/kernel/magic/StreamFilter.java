package dev.jbox.kernel.magic;

import dev.jbox.client.CommandResult;
import dev.jbox.client.OutputChunk;
import dev.jbox.client.OutputListener;
import dev.jbox.client.StreamKind;
import java.util.List;

/** Passes on only the chosen streams of a process's output. */
record StreamFilter(OutputListener next, List<StreamKind> kinds) implements OutputListener {

    @Override
    public void onOutput(OutputChunk chunk) {
        if (kinds.contains(chunk.stream())) next.onOutput(chunk);
    }

    @Override
    public void onGap(StreamKind stream, long offset, long missing) {
        if (kinds.contains(stream)) next.onGap(stream, offset, missing);
    }

    @Override
    public void onExit(CommandResult result) {
        next.onExit(result);
    }

    @Override
    public void onError(Exception error) {
        next.onError(error);
    }
}
