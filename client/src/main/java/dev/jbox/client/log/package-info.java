/**
 * Process output logs, shared by every backend and by the agent that serves them.
 *
 * <p>{@link dev.jbox.client.log.ProcessLog}: one stream's bytes with offsets counted from the first byte
 * ever written, kept in a file (circular when capped) plus an in-memory ring of the newest bytes; readers ask
 * by offset and are told how many bytes a cap dropped. {@link dev.jbox.client.log.LogFollower}: delivers two
 * logs to an {@link dev.jbox.client.OutputListener} from given offsets, then live, then {@code onExit}.
 */
package dev.jbox.client.log;
