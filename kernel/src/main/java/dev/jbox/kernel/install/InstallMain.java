package dev.jbox.kernel.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jbox.kernel.deps.Coordinates;
import dev.jbox.kernel.deps.Libraries;
import dev.jbox.kernel.deps.Requested;
import dev.jbox.kernel.deps.ResolutionException;
import dev.jbox.kernel.deps.TransferProgress;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Installs or removes the jbox kernelspec: a self-contained directory with the jar, kernel.json, logos and a
 * start-up cache (a class-data archive, or an AOT cache on JDK 25+); on Linux the kernel runs under {@code chrt --batch}.
 *
 * <pre>
 * java -cp jbox.jar dev.jbox.kernel.install.InstallMain install --prefix /tmp/k --name jbox
 * java -cp jbox.jar dev.jbox.kernel.install.InstallMain uninstall --prefix /tmp/k --name jbox
 * </pre>
 */
@Command(name = "jbox install|uninstall", mixinStandardHelpOptions = true,
        description = "Installs (or removes) the jbox Jupyter kernelspec. Default location: --user.")
public final class InstallMain implements Callable<Integer> {

    @Parameters(index = "0", description = "install or uninstall")
    String action;

    static final class Location {
        @Option(names = "--user", description = "the user's Jupyter data dir ($JUPYTER_DATA_DIR or ~/.local/share/jupyter)")
        boolean user;
        @Option(names = "--sys-prefix", description = "sys.prefix of the Python running Jupyter (/usr/bin/python3 unless $JBOX_PYTHON)")
        boolean sysPrefix;
        @Option(names = "--prefix", paramLabel = "DIR", description = "DIR/share/jupyter/kernels/NAME")
        Path prefix;
    }

    @ArgGroup(exclusive = true)
    Location location = new Location();

    @Option(names = "--name", defaultValue = "jbox", description = "kernelspec name (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--display-name", description = "name shown by frontends (default: Java (jbox), plus the name if not jbox)")
    String displayName;

    @Option(names = "--java", paramLabel = "PATH", description = "java executable the kernel runs on (default: this one)")
    Path java;

    @Option(names = "--jvm-opt", paramLabel = "OPT", description = "extra JVM option (repeatable)")
    List<String> jvmOpts = new ArrayList<>();

    @Option(names = "--env", paramLabel = "K=V", description = "environment variable of the kernel, e.g. JBOX_SANDBOX=http://host:49983 (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--maven", paramLabel = "G:A:V", description = "a library on the class path before the first cell (repeatable); "
            + "resolved now, so that a mistake fails here, and again, from the local repository, at each start (kernel.json's JBOX_MAVEN)")
    List<String> maven = new ArrayList<>();

    /** How the kernel's process is scheduled (see {@link #schedulerPrefix}). */
    enum Scheduler { batch, normal }

    @Option(names = "--scheduler", paramLabel = "batch|normal", defaultValue = "batch",
            description = "Linux scheduling policy of the kernel process (default: ${DEFAULT-VALUE}, where chrt can set it): "
                    + "batch keeps the threads of one cell (request, compiler, output) from preempting each other")
    Scheduler scheduler;

    @Option(names = "--no-cds", description = "do not generate the start-up cache: the AOT cache on JDK 25+, the class-data archive before (slower startup)")
    boolean noCds;

    /**
     * The Add-Exports of jbox.jar's manifest (the evaluator's compile path uses javac's internals). kernel.json passes
     * them on the command line as well: the training run (-cp) needs them, and an AOT cache is only used when the
     * exports given on the command line are the same as when it was made.
     */
    static final List<String> JAVAC_EXPORTS = List.of("--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.code=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED");

    public static void main(String[] args) {
        System.exit(new CommandLine(new InstallMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            System.err.println("jbox: invalid kernel name '" + name + "' (letters, digits, . _ - only)");
            return 2;
        }
        Path dir = kernelsDir().resolve(name);
        switch (action) {
            case "install" -> {
                if (!maven.isEmpty() && !resolveStartupLibraries()) {
                    return 1;
                }
                install(dir);
            }
            case "uninstall" -> {
                if (!Files.isDirectory(dir)) {
                    System.err.println("jbox: no kernelspec at " + dir);
                    return 1;
                }
                deleteTree(dir);
                System.out.println("removed kernelspec " + name + " from " + dir);
            }
            default -> {
                System.err.println("jbox: unknown action '" + action + "' (install or uninstall)");
                return 2;
            }
        }
        return 0;
    }

    private void install(Path dir) throws IOException, InterruptedException {
        Path javaExe = (java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java")).toAbsolutePath();
        if (!Files.isExecutable(javaExe)) {
            throw new IOException("java executable not found: " + javaExe);
        }
        Files.createDirectories(dir);
        Path jar = dir.resolve("jbox.jar");
        Files.copy(ownJar(), jar, StandardCopyOption.REPLACE_EXISTING);
        for (String logo : List.of("logo-32x32.png", "logo-64x64.png")) {
            try (InputStream in = InstallMain.class.getResourceAsStream("/kernelspec/" + logo)) {
                if (in != null) {
                    Files.copy(in, dir.resolve(logo), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // Serial GC starts fastest and suits one small heap; no TieredStopAtLevel=1: output throughput needs C2.
        // -OmitStackTraceInFastThrow: the cells run in this JVM, and a JDK method that C2 has compiled (List.get,
        // say) otherwise throws a shared exception with no message and no trace once it is hot: a user would see
        // "java.lang.ArrayIndexOutOfBoundsException" without the line of the cell that caused it.
        List<String> opts = new ArrayList<>(List.of("-XX:+UseSerialGC", "-XX:-OmitStackTraceInFastThrow"));
        if (transparentHugePagesOnRequest()) {
            // The heap in 2 MB pages: a fresh heap is touched page by page by the first compilations and the first
            // collections (which copy javac's tens of megabytes); with 4 KB pages those faults cost ~0.1 s of the
            // first result. About 10 MB more resident memory.
            opts.add("-XX:+UseTransparentHugePages");
        }
        opts.addAll(JAVAC_EXPORTS);
        Path archive = dir.resolve("jbox.jsa");
        Path aotCache = dir.resolve("jbox.aot");
        Files.deleteIfExists(archive);
        Files.deleteIfExists(aotCache);
        if (!noCds) {
            // JDK 25+: an AOT cache (JEP 483, 514, 515) holds the classes loaded and linked, and the method profiles
            // of a training run, so javac's code reaches the JIT sooner. Older JDKs: a class-data archive.
            boolean aot = featureVersion(javaExe) >= 25;
            Path out = aot ? aotCache : archive;
            String dump = aot ? "-XX:AOTCacheOutput=" + out : "-XX:ArchiveClassesAtExit=" + out;
            if (train(javaExe, jar, out, dump, opts)) {
                opts.add(aot ? "-XX:AOTCache=" + out : "-XX:SharedArchiveFile=" + out);
            }
        }
        opts.addAll(jvmOpts);
        List<String> argv = new ArrayList<>(schedulerPrefix());
        argv.add(javaExe.toString());
        argv.addAll(opts);
        argv.addAll(List.of("-jar", jar.toString(), "-f", "{connection_file}"));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", displayName != null ? displayName : "jbox".equals(name) ? "Java (jbox)" : "Java (jbox, " + name + ")");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.put("env", env);
        spec.put("metadata", Map.of("debugger", false));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("kernel.json").toFile(), spec);
        System.out.println("installed kernelspec " + name + " in " + dir);
    }

    /** Resolves --maven now (a mistake fails the install, the local repository gets the jars); puts it into JBOX_MAVEN. */
    private boolean resolveStartupLibraries() {
        String spec = String.join(",", maven);
        String already = env.get("JBOX_MAVEN");
        try (Libraries libraries = new Libraries(entries -> { }, System.getenv())) {
            List<Requested> requested = Coordinates.parseList(spec).stream().map(Requested::of).toList();
            libraries.plan(requested, "--maven", new TransferProgress());
        } catch (IllegalArgumentException | ResolutionException e) {
            System.err.println("jbox: --maven: " + e.getMessage());
            return false;
        }
        env.put("JBOX_MAVEN", already == null || already.isBlank() ? spec : already + "," + spec);
        return true;
    }

    /**
     * Runs a scripted session once ({@link dev.jbox.kernel.Training}) with {@code dump}, which writes {@code out} at
     * exit: the kernel then maps what it loaded (and, with an AOT cache, how its methods ran) instead of loading it.
     */
    private static boolean train(Path javaExe, Path jar, Path out, String dump, List<String> opts) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExe.toString());
        cmd.addAll(opts);
        cmd.addAll(List.of(dump, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        if (dump.startsWith("-XX:AOTCacheOutput")) {
            cmd.add("-Xlog:aot=off");
        }
        cmd.addAll(List.of("-cp", jar.toString(), "dev.jbox.kernel.Training"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JBOX_WARMUP", "0");     // nor should its short life be spent warming up
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            System.err.println("jbox: start-up cache training timed out; installing without it");
            return false;
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
            System.err.println("jbox: could not create the start-up cache " + out.getFileName() + " (exit " + p.exitValue()
                    + "); installing without it");
            Files.deleteIfExists(out);
            return false;
        }
        return true;
    }

    /**
     * {@code chrt --batch 0} before the JVM (it execs it: the kernel's pid stays the JVM's), when asked and when chrt
     * works here; empty otherwise. Why: a cell's path hops between threads (the request's, the compiler's, IOPub's,
     * JeroMQ's I/O thread) while javac's code is being JIT-compiled on the other core. Under the default policy each
     * hop's wake-up preempts the thread that is still busy with the cell: on two cores a cell's reply took
     * milliseconds in a send whose own CPU time was 50 us. SCHED_BATCH threads do not preempt on wake-up; they get
     * the same CPU share. Processes the kernel starts (%bg, %sh) inherit it. chrt's absolute path, as java's: the
     * frontend that starts the kernel may have another PATH.
     */
    private List<String> schedulerPrefix() throws InterruptedException {
        if (scheduler != Scheduler.batch || !System.getProperty("os.name", "").startsWith("Linux")) {
            return List.of();
        }
        Path chrt = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "chrt");
            if (chrt == null && Files.isExecutable(candidate)) {
                chrt = candidate.toAbsolutePath();
            }
        }
        if (chrt == null) {
            System.err.println("jbox: no chrt (util-linux) on PATH; the kernel runs with the default scheduling policy");
            return List.of();
        }
        List<String> prefix = List.of(chrt.toString(), "--batch", "0");
        List<String> probe = new ArrayList<>(prefix);
        probe.add("true");
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return prefix;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // not runnable after all: as when it fails
        }
        System.err.println("jbox: chrt --batch does not work here; the kernel runs with the default scheduling policy");
        return List.of();
    }

    /**
     * Whether Linux gives transparent huge pages to the processes that ask ({@code madvise}, the usual setting). With
     * {@code always} every process gets them anyway; with {@code never}, or elsewhere, the JVM would only warn.
     */
    static boolean transparentHugePagesOnRequest() {
        try {
            return Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")).contains("[madvise]");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The Java feature version of {@code javaExe} (17, 25, ...), from its home's release file; 0 when unknown. */
    static int featureVersion(Path javaExe) {
        Path release = javaExe.toAbsolutePath().getParent().getParent().resolve("release");
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.split("[.+-]")[0];
                    return Integer.parseInt(major.equals("1") ? v.split("\\.")[1] : major);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: the class-data archive works on every JDK since 13
        }
        return 0;
    }

    private Path kernelsDir() throws IOException, InterruptedException {
        if (location.prefix != null) {
            return location.prefix.toAbsolutePath().resolve("share/jupyter/kernels");
        }
        if (location.sysPrefix) {
            return Path.of(pythonSysPrefix()).resolve("share/jupyter/kernels");
        }
        String dataDir = System.getenv("JUPYTER_DATA_DIR");
        Path base = dataDir != null && !dataDir.isEmpty() ? Path.of(dataDir)
                : Path.of(System.getProperty("user.home"), ".local", "share", "jupyter");
        return base.resolve("kernels");
    }

    private static String pythonSysPrefix() throws IOException, InterruptedException {
        String python = System.getenv().getOrDefault("JBOX_PYTHON", "/usr/bin/python3");
        Process p = new ProcessBuilder(python, "-c", "import sys; print(sys.prefix)").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IOException("cannot ask " + python + " for sys.prefix: " + out);
        }
        return out;
    }

    private static Path ownJar() throws IOException {
        try {
            Path p = Path.of(InstallMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(p)) {
                throw new IOException("run the installer from jbox.jar (found classes in " + p + ")");
            }
            return p;
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate jbox.jar: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
