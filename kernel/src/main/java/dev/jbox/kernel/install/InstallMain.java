package dev.jbox.kernel.install;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jbox install} / {@code jbox uninstall}: writes or removes a self-contained kernelspec (the jar is copied
 * into it, so rebuilding the project never breaks an installed kernel).
 */
@Command(name = "jbox", mixinStandardHelpOptions = true, subcommands = {InstallMain.Install.class, InstallMain.Uninstall.class},
        description = "Installs or removes the jbox kernelspec.")
public final class InstallMain {

    public static void main(String[] args) {
        System.exit(new CommandLine(new InstallMain()).execute(args));
    }

    /** Where kernelspecs go: Jupyter's user, sys-prefix or explicit prefix locations. */
    static final class Location {
        @Option(names = "--user", description = "for this user (default): ~/.local/share/jupyter/kernels")
        boolean user;
        @Option(names = "--sys-prefix", description = "into the Python prefix Jupyter runs from (sys.prefix)/share/jupyter/kernels")
        boolean sysPrefix;
        @Option(names = "--prefix", paramLabel = "DIR", description = "into DIR/share/jupyter/kernels")
        Path prefix;

        Path kernelsDir() throws IOException {
            if (prefix != null) return prefix.resolve("share/jupyter/kernels");
            if (sysPrefix) return Path.of(pythonSysPrefix()).resolve("share/jupyter/kernels");
            String data = System.getenv("JUPYTER_DATA_DIR");
            if (data != null && !data.isBlank()) return Path.of(data, "kernels");
            String xdg = System.getenv("XDG_DATA_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local/share");
            return base.resolve("jupyter/kernels");
        }

        private static String pythonSysPrefix() throws IOException {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import sys; print(sys.prefix)").redirectErrorStream(true).start();
            try {
                String out = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor() != 0) throw new IOException("could not ask python3 for sys.prefix: " + out);
                return out;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true, description = "Installs the kernelspec.")
    static final class Install implements Callable<Integer> {
        @ArgGroup(exclusive = true)
        Location location = new Location();
        @Option(names = "--name", defaultValue = "jbox", description = "kernelspec name (default: ${DEFAULT-VALUE})")
        String name;
        @Option(names = "--display-name", defaultValue = "Java (jbox)", description = "name shown in menus (default: ${DEFAULT-VALUE})")
        String displayName;
        @Option(names = "--java", paramLabel = "PATH", description = "java executable (default: the one running this)")
        Path java;
        @Option(names = "--jvm-opt", paramLabel = "OPT", description = "extra JVM option, repeatable")
        List<String> jvmOpts = new ArrayList<>();
        @Option(names = "--no-cds", description = "skip the class-data-sharing archive that makes the kernel start faster")
        boolean noCds;
        @Option(names = "--jar", paramLabel = "JAR", hidden = true, description = "the kernel jar (default: the running one)")
        Path jar;

        @Override
        public Integer call() throws Exception {
            Path javaBin = (java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java")).toAbsolutePath();
            if (!Files.isExecutable(javaBin)) {
                System.err.println("jbox install: " + javaBin + " is not an executable java");
                return 2;
            }
            Path source = jar != null ? jar : runningJar();
            Path dir = location.kernelsDir().resolve(name);
            Kernelspec spec = new Kernelspec(dir, javaBin, jvmOpts, displayName, !noCds);
            spec.write(source);
            System.out.println("Installed kernelspec " + name + " in " + dir);
            return 0;
        }

        private static Path runningJar() throws Exception {
            Path p = Path.of(InstallMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p)) throw new IllegalStateException("not running from a jar (" + p + "): pass --jar");
            return p;
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Removes the kernelspec.")
    static final class Uninstall implements Callable<Integer> {
        @ArgGroup(exclusive = true)
        Location location = new Location();
        @Option(names = "--name", defaultValue = "jbox", description = "kernelspec name (default: ${DEFAULT-VALUE})")
        String name;

        @Override
        public Integer call() throws Exception {
            Path dir = location.kernelsDir().resolve(name);
            if (!Files.isRegularFile(dir.resolve("kernel.json"))) {
                System.err.println("jbox uninstall: no kernelspec " + name + " in " + dir.getParent());
                return 1;
            }
            Kernelspec.delete(dir);
            System.out.println("Removed kernelspec " + name + " from " + dir);
            return 0;
        }
    }
}
