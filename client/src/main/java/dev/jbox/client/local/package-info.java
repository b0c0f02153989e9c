/**
 * The local backend: commands run on this machine.
 *
 * <p>{@link dev.jbox.client.local.LocalSandbox} owns a state directory and a {@code LocalCommands} registry
 * of {@code LocalProcess}es. Each command runs as {@code setsid bash -c CMD}, so it leads its own session and
 * process group; {@code ProcessTree} finds a tree through /proc (session members plus descendants that left
 * the session) and signals it (TERM, grace period, KILL). Per process, one pooled reader thread per stream
 * copies the pipe into a {@link dev.jbox.client.log.ProcessLog}; subscribers are
 * {@link dev.jbox.client.log.LogFollower}s that pull from the logs by offset, so nothing the process writes
 * waits for them.
 */
package dev.jbox.client.local;
