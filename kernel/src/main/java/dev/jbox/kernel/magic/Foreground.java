package dev.jbox.kernel.magic;

import dev.jbox.client.CommandHandle;
import java.time.Duration;
import java.util.List;

/**
 * The polling wait of foreground magics: ends when all handles ended, on timeout, or on an interrupt. The
 * session marks the whole magic as foreground (see MagicEvaluator), so an interrupt that arrives before the
 * wait began (while the process was starting) is not lost.
 */
final class Foreground {

    enum Outcome { ENDED, TIMED_OUT, INTERRUPTED }

    private static final Duration POLL = Duration.ofMillis(50);

    private Foreground() {
    }

    /** Waits for all {@code handles}; {@code onInterrupt} runs once (on this thread) when an interrupt arrives. */
    static Outcome await(MagicSession session, List<CommandHandle> handles, Duration timeout, Runnable onInterrupt) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        for (CommandHandle h : handles) {
            while (!h.state().isFinal()) {
                if (session.interruptRequested() || Thread.currentThread().isInterrupted()) {
                    Thread.interrupted();
                    onInterrupt.run();
                    return Outcome.INTERRUPTED;
                }
                if (System.nanoTime() >= deadline) return Outcome.TIMED_OUT;
                try {
                    h.waitFor(POLL);
                } catch (InterruptedException e) {
                    onInterrupt.run();
                    return Outcome.INTERRUPTED;
                }
            }
        }
        return Outcome.ENDED;
    }
}
