/**
 * Process output logs, shared by every backend and by the agent that serves them.
 *
 * <p>{@link dev.jbox.client.log.ProcessLog}: one stream's bytes in the file the process appends to, offsets
 * counted from the first byte ever written (a cap drops the oldest bytes for readers and punches them out of
 * the file, so offsets stay); readers ask by offset and are told how many bytes a cap dropped. {@link dev.jbox.client.log.LogFollower}: delivers two
 * logs to an {@link dev.jbox.client.OutputListener} from given offsets, then live, then {@code onExit}.
 */
package dev.jbox.client.log;
