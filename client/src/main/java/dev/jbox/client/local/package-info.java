/**
 * The local backend: commands run on this machine.
 *
 * <p>{@link dev.jbox.client.local.LocalSandbox} owns a state directory ({@code StateDir}: records, logs, locks)
 * and a {@code LocalCommands} registry of {@code LocalProcess}es. A {@code Supervisor} (a small perl process per
 * sandbox) forks each command in a session of its own with its output appended straight to its log files, waits
 * for it and records its exit status, so a command neither dies nor loses output when the JVM dies; a sandbox of
 * the same session adopts what a dead one left ({@code StateLocks} says who owns what). {@code ProcessTree} finds
 * a tree through /proc (session members, descendants, and processes carrying its cookie) and signals it (TERM,
 * grace period, KILL). {@code LogPoller} notices logs grow; subscribers are
 * {@link dev.jbox.client.log.LogFollower}s that pull from the logs by offset, so nothing the process writes waits
 * for them. {@code Retention} removes what ended long ago.
 */
package dev.jbox.client.local;
