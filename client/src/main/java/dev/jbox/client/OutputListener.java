package dev.jbox.client;

/**
 * Receives a process's output in order: chunks of each stream with contiguous offsets, maybe a gap notice
 * when a capped log dropped bytes the subscriber asked for, then exactly one {@link #onExit}.
 * Called from a delivery thread of the sandbox, never from the process's own reader, so a slow listener
 * delays only itself.
 */
@FunctionalInterface
public interface OutputListener {

    void onOutput(OutputChunk chunk);

    /** {@code missing} bytes of {@code stream} from {@code offset} were dropped by the log cap and cannot be replayed. */
    default void onGap(StreamKind stream, long offset, long missing) {
    }

    default void onExit(CommandResult result) {
    }

    /** The connection to the sandbox failed for good (remote backends); no more calls follow. */
    default void onError(Exception error) {
    }
}
