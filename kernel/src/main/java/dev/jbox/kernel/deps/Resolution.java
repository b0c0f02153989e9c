package dev.jbox.kernel.deps;

import java.util.List;

/**
 * What one resolution found: the artifacts in class path order (the requested ones and their transitive runtime
 * dependencies), and notes about versions that were held to the ones already on the class path.
 */
record Resolution(List<ResolvedArtifact> artifacts, List<String> notes) {

    Resolution {
        artifacts = List.copyOf(artifacts);
        notes = List.copyOf(notes);
    }
}
