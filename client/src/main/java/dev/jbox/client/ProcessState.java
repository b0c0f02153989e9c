package dev.jbox.client;

/** Life cycle of a command. Every state but QUEUED and RUNNING is final. */
public enum ProcessState {
    QUEUED, RUNNING, COMPLETED, FAILED, KILLED, TIMED_OUT;

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
