package dev.jbox.client.remote;

import dev.jbox.client.SandboxException;
import dev.jbox.client.StreamKind;
import dev.jbox.client.remote.envd.Messages.EndEvent;

/** What a {@link ProcessFollower} reports, in order, from its own thread. */
interface EventSink {

    void onData(StreamKind stream, long offset, byte[] bytes);

    void onGap(StreamKind stream, long offset, long missing);

    /** Byte totals of the process, sent with the end event by jbox agents; called just before {@link #onEnd}. */
    default void onTotals(long stdoutBytes, long stderrBytes) {
    }

    /** The process ended; the last call. */
    void onEnd(EndEvent end);

    /** Following failed for good (agent gone too long, or an error that retrying cannot fix); the last call. */
    void onFailure(SandboxException error);
}
