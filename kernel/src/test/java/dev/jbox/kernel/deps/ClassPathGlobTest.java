package dev.jbox.kernel.deps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassPathGlobTest {

    @TempDir
    Path base;

    @Test
    void pathsAndGlobsResolveAgainstTheBase() throws IOException {
        for (String f : List.of("lib/a.jar", "lib/b.jar", "lib/notes.txt", "lib/sub/c.jar")) {
            Files.createDirectories(base.resolve(f).getParent());
            Files.writeString(base.resolve(f), "x");
        }
        assertEquals(List.of(base.resolve("lib/a.jar"), base.resolve("lib/b.jar")), ClassPathGlob.expand("lib/*.jar", base));
        assertEquals(List.of(base.resolve("lib/a.jar"), base.resolve("lib/b.jar"), base.resolve("lib/sub/c.jar")),
                ClassPathGlob.expand("lib/**.jar", base));
        assertEquals(List.of(base.resolve("lib/a.jar")), ClassPathGlob.expand("lib/a.jar", base));
        assertEquals(List.of(base.resolve("lib")), ClassPathGlob.expand("lib", base));
        assertEquals(List.of(), ClassPathGlob.expand("lib/*.zip", base));
        assertEquals(List.of(), ClassPathGlob.expand("missing/*.jar", base));
        assertEquals(List.of(), ClassPathGlob.expand("missing.jar", base));
        assertEquals(List.of(base.resolve("lib/b.jar")), ClassPathGlob.expand(base + "/lib/b*.jar", Path.of("/elsewhere")));
    }
}
