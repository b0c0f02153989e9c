package dev.jbox.kernel.deps;

import java.nio.file.Path;

/** An artifact Maven Resolver found, with its file in the local repository. */
public record ResolvedArtifact(Coordinates coordinates, Path file) {
}
