package dev.jbox.kernel.deps;

/** A repository a notebook added with {@code %repo NAME URL [--snapshots]}; credentials come from settings.xml by id. */
public record SessionRepository(String id, String url, boolean snapshots) {
}
