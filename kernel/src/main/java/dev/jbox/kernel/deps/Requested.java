package dev.jbox.kernel.deps;

import java.util.List;

/** An artifact a notebook asked for, with the {@code groupId:artifactId} patterns of dependencies to leave out. */
public record Requested(Coordinates coordinates, List<String> exclusions) {

    public Requested {
        exclusions = List.copyOf(exclusions);
    }

    public static Requested of(Coordinates c) {
        return new Requested(c, List.of());
    }
}
