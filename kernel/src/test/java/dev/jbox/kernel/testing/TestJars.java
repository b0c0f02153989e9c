package dev.jbox.kernel.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds small jars and class directories from Java source at test time, so tests add real libraries to a
 * session without any checked-in binaries.
 *
 * <pre>{@code
 * Path jar = TestJars.jar(tmp.resolve("greeter.jar"), Map.of("p/Greeter.java", "package p; public class Greeter {}"));
 * }</pre>
 */
public final class TestJars {

    private TestJars() {
    }

    /** Compiles {@code sources} (path in the source tree to text) into the class directory {@code dir}. */
    public static Path classes(Path dir, Map<String, String> sources) {
        try {
            Path src = Files.createTempDirectory("jbox-test-src");
            List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "--release", "17", "-nowarn"));
            for (Map.Entry<String, String> e : sources.entrySet()) {
                Path file = src.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
                args.add(file.toString());
            }
            Files.createDirectories(dir);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            int rc = javac.run(null, null, null, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("javac failed (" + rc + ") for " + sources.keySet());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles {@code sources} and packs the classes into {@code jar}. */
    public static Path jar(Path jar, Map<String, String> sources) {
        return jar(jar, sources, Map.of());
    }

    /** Compiles {@code sources} and packs the classes and {@code resources} (path in the jar to text) into {@code jar}. */
    public static Path jar(Path jar, Map<String, String> sources, Map<String, String> resources) {
        try {
            Path classes = classes(Files.createTempDirectory("jbox-test-classes"), sources);
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(jar);
                 JarOutputStream jos = new JarOutputStream(out, manifest);
                 Stream<Path> files = Files.walk(classes)) {
                for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                    jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    jos.write(Files.readAllBytes(f));
                    jos.closeEntry();
                }
                for (Map.Entry<String, String> r : resources.entrySet()) {
                    jos.putNextEntry(new JarEntry(r.getKey()));
                    jos.write(r.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    jos.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
