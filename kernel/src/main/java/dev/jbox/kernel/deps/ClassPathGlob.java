package dev.jbox.kernel.deps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands a {@code %classpath} argument: a path, or a glob ({@code lib/*.jar}, {@code libs/**}{@code /*.jar}),
 * relative to a base directory; {@code ~/} is the home directory. Matches come sorted by path.
 */
final class ClassPathGlob {

    private ClassPathGlob() {
    }

    static boolean isGlob(String pattern) {
        return pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    static List<Path> expand(String pattern, Path base) {
        String p = pattern.startsWith("~/") ? System.getProperty("user.home") + pattern.substring(1) : pattern;
        if (!isGlob(p)) {
            Path path = base.resolve(p);
            return Files.exists(path) ? List.of(path) : List.of();
        }
        int firstGlob = firstGlobChar(p);
        int cut = p.lastIndexOf('/', firstGlob);
        Path root = base.resolve(cut < 0 ? "" : cut == 0 ? "/" : p.substring(0, cut)).normalize();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        String rest = cut < 0 ? p : p.substring(cut + 1);
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : (int) rest.chars().filter(c -> c == '/').count() + 1;
        try (Stream<Path> all = Files.walk(root, depth)) {
            return all.filter(f -> !f.equals(root) && matcher.matches(root.relativize(f))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int firstGlobChar(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }
}
