package dev.jbox.kernel.deps;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One Maven artifact as a notebook names it: {@code G:A[:ext[:classifier]]:V}.
 *
 * <pre>{@code
 * Coordinates c = Coordinates.parse("org.knowm.xchart:xchart:3.8.8");   // extension "jar", no classifier
 * c.key();                                                               // "org.knowm.xchart:xchart"
 * }</pre>
 */
public record Coordinates(String groupId, String artifactId, String extension, String classifier, String version) {

    /** The form {@link #parse} accepts, for error messages. */
    public static final String FORM = "G:A[:ext[:classifier]]:V, e.g. com.google.code.gson:gson:2.11.0";

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9._\\-]+");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._\\-+\\[\\](),]+");

    public Coordinates {
        extension = extension == null || extension.isEmpty() ? "jar" : extension;
        classifier = classifier == null ? "" : classifier;
    }

    /** Parses {@code text}; an {@link IllegalArgumentException} says what is wrong and shows {@link #FORM}. */
    public static Coordinates parse(String text) {
        String t = text.strip();
        String[] p = t.split(":", -1);
        if (p.length < 3 || p.length > 5) {
            throw malformed(t, p.length < 3 ? "too few parts" : "too many parts");
        }
        String version = p[p.length - 1];
        for (int i = 0; i < p.length - 1; i++) {
            boolean optional = i >= 2;
            if (!(optional && p[i].isEmpty()) && !PART.matcher(p[i]).matches()) {
                throw malformed(t, p[i].isEmpty() ? "an empty part" : "'" + p[i] + "' is not a valid part");
            }
        }
        if (!VERSION.matcher(version).matches()) {
            throw malformed(t, version.isEmpty() ? "no version" : "'" + version + "' is not a valid version");
        }
        return new Coordinates(p[0], p[1], p.length >= 4 ? p[2] : "jar", p.length == 5 ? p[3] : "", version);
    }

    /** Parses a list separated by commas or blanks, as {@code JBOX_MAVEN} holds it; empty for null or blank text. */
    public static List<Coordinates> parseList(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.strip().split("[,\\s]+")).filter(s -> !s.isEmpty()).map(Coordinates::parse).toList();
    }

    private static IllegalArgumentException malformed(String text, String why) {
        return new IllegalArgumentException("malformed coordinates '" + text + "' (" + why + "): expected " + FORM);
    }

    /** What identifies the artifact apart from its version: two versions of one key never share a class path. */
    public String key() {
        return key(groupId, artifactId, extension, classifier);
    }

    static String key(String groupId, String artifactId, String extension, String classifier) {
        StringBuilder b = new StringBuilder(groupId).append(':').append(artifactId);
        if (!"jar".equals(extension) || !classifier.isEmpty()) {
            b.append(':').append(extension);
        }
        if (!classifier.isEmpty()) {
            b.append(':').append(classifier);
        }
        return b.toString();
    }

    public Coordinates withVersion(String newVersion) {
        return new Coordinates(groupId, artifactId, extension, classifier, newVersion);
    }

    @Override
    public String toString() {
        return key() + ":" + version;
    }
}
