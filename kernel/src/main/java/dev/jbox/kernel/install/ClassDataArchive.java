package dev.jbox.kernel.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Builds an AppCDS archive for the installed jar by running the kernel's warm-up once (about 2-3 s at install). */
final class ClassDataArchive {

    private ClassDataArchive() {
    }

    /** True if {@code archive} was written; on failure the kernel simply starts without it. */
    static boolean create(Path java, Path jar, Path archive) {
        try {
            Files.deleteIfExists(archive);
            Process p = new ProcessBuilder(List.of(java.toString(), "-XX:ArchiveClassesAtExit=" + archive,
                    "-cp", jar.toString(), "dev.jbox.kernel.Main", "--warmup"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && Files.size(archive) > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
