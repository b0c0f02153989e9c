package dev.jbox.kernel.deps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * The Maven coordinates a jar declares about itself ({@code META-INF/maven/G/A/pom.properties}), so that a jar
 * added by path takes part in the one-version rule. Null for directories, jars without (or with several of)
 * these files, and unreadable files.
 */
final class JarIdentity {

    private JarIdentity() {
    }

    static Coordinates of(Path path) {
        if (!Files.isRegularFile(path)) {
            return null;
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            List<ZipEntry> found = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                if (z.getName().startsWith("META-INF/maven/") && z.getName().endsWith("/pom.properties")) {
                    found.add(z);
                }
            }
            if (found.size() != 1) {
                return null; // none, or a fat jar of several artifacts: no single identity
            }
            Properties p = new Properties();
            try (InputStream in = jar.getInputStream(found.get(0))) {
                p.load(in);
            }
            String g = p.getProperty("groupId");
            String a = p.getProperty("artifactId");
            String v = p.getProperty("version");
            return g == null || a == null || v == null ? null : new Coordinates(g.strip(), a.strip(), "jar", "", v.strip());
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
