package dev.jbox.kernel.deps;

/** An artifact on the session's class path: its version holds for every later resolution. */
record Pinned(Coordinates coordinates, String origin) {
}
