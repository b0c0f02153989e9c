package dev.jbox.client;

/**
 * Life cycle of a command. Every state but QUEUED and RUNNING is final.
 * <ul>
 *   <li>{@code QUEUED}: accepted, not started yet.</li>
 *   <li>{@code RUNNING}: started, not ended.</li>
 *   <li>{@code COMPLETED}: exited by itself with exit code 0.</li>
 *   <li>{@code FAILED}: exited by itself with a non-zero code (command not found: 127, with the shell's message
 *       in stderr), or could not be started at all (exit code 127, the reason in stderr and {@code error}).</li>
 *   <li>{@code KILLED}: ended by {@code kill()}, the sandbox closing, or a terminating signal sent with
 *       {@code signal()} (exit code 128 + signal number, e.g. 143 for TERM, 137 for KILL).</li>
 *   <li>{@code TIMED_OUT}: killed because its {@code RunOptions.timeout} expired.</li>
 * </ul>
 */
public enum ProcessState {
    QUEUED, RUNNING, COMPLETED, FAILED, KILLED, TIMED_OUT;

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
