package dev.jbox.kernel.deps;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;

/**
 * The body of a {@code %%maven} cell: coordinates, one per line ({@code #} and {@code //} lines are comments), or
 * {@code <dependency>} elements copied from a POM (with or without {@code <dependencies>} around them), read with
 * Maven's own POM reader.
 *
 * <pre>{@code
 * DependencyList.parse("""
 *     <dependency><groupId>org.knowm.xchart</groupId><artifactId>xchart</artifactId><version>3.8.8</version></dependency>
 *     """);
 * }</pre>
 */
public final class DependencyList {

    private DependencyList() {
    }

    /** The requested artifacts; an {@link IllegalArgumentException} with one line for anything malformed. */
    public static List<Requested> parse(String body) {
        return body.contains("<") ? fromXml(body) : fromLines(body);
    }

    private static List<Requested> fromLines(String body) {
        List<Requested> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith("//")) {
                continue;
            }
            for (String word : t.split("\\s+")) {
                out.add(Requested.of(Coordinates.parse(word)));
            }
        }
        return out;
    }

    private static List<Requested> fromXml(String body) {
        String xml = body.strip();
        if (!xml.startsWith("<dependencies")) {
            xml = "<dependencies>" + xml + "</dependencies>";
        }
        Model model;
        try {
            model = new MavenXpp3Reader().read(new StringReader("<project>" + xml + "</project>"), true);
        } catch (XmlPullParserException e) {
            throw new IllegalArgumentException("cannot read the <dependency> elements: " + e.getMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the <dependency> elements: " + e.getMessage());
        }
        List<Requested> out = new ArrayList<>();
        for (Dependency d : model.getDependencies()) {
            String name = d.getGroupId() + ":" + d.getArtifactId();
            if (d.getGroupId() == null || d.getArtifactId() == null) {
                throw new IllegalArgumentException("a <dependency> lacks <groupId> or <artifactId>: " + name);
            }
            String version = d.getVersion();
            if (version == null || version.isBlank()) {
                throw new IllegalArgumentException(name + ": no <version> (a notebook has no dependency management: write the version)");
            }
            if (version.contains("${")) {
                throw new IllegalArgumentException(name + ": the version " + version + " is a property: write the version itself");
            }
            String extension = extensionOf(d.getType());
            String classifier = d.getClassifier() != null ? d.getClassifier() : "test-jar".equals(d.getType()) ? "tests" : "";
            Coordinates c = Coordinates.parse(d.getGroupId() + ":" + d.getArtifactId() + ":" + extension + ":" + classifier + ":" + version.strip());
            List<String> exclusions = d.getExclusions().stream().map(x -> x.getGroupId() + ":" + x.getArtifactId()).toList();
            out.add(new Requested(c, exclusions));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no <dependency> elements found");
        }
        return out;
    }

    /** The file extension of a POM {@code <type>} (Maven's standard types; anything else is its own extension). */
    private static String extensionOf(String type) {
        if (type == null) {
            return "jar";
        }
        return switch (type) {
            case "jar", "test-jar", "maven-plugin", "ejb", "ejb-client", "java-source", "javadoc" -> "jar";
            default -> type;
        };
    }
}
