package dev.jbox.kernel;

import dev.jbox.kernel.eval.StdStreams;
import dev.jbox.kernel.magic.LocalSettings;
import dev.jbox.kernel.wire.ConnectionInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar jbox.jar -f CONNECTION_FILE}: what Jupyter runs (see kernel.json). */
@Command(name = "jbox kernel", mixinStandardHelpOptions = true, version = "jbox " + KernelInfo.VERSION,
        description = "Runs the jbox Jupyter kernel on a connection file.")
public final class Main implements Callable<Integer> {

    @Option(names = {"-f", "--connection-file"}, required = true, description = "Jupyter connection file (JSON)")
    Path connectionFile;

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 2 && args[0].equals("-f")) {
            // Exactly what kernel.json runs: skip building picocli's command model, which costs about 80 ms,
            // a quarter of the kernel's startup. Anything else (help, version, mistakes) goes through picocli.
            Main main = new Main();
            main.connectionFile = Path.of(args[1]);
            System.exit(main.call());
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        KernelLog.configure(System.getenv("JBOX_LOG"), StdStreams.kernelErr());
        // The connection file's name is the kernel's id: the kernel Jupyter starts in place of a dead one has the same,
        // and adopts the processes it left (see LocalSettings).
        String session = LocalSettings.sessionOf(connectionFile);
        // The evaluator (the compilers, the magics' warm-up) starts before anything else: reading the connection
        // file and binding the sockets take about 150 ms of a cold JVM, which the first cell would otherwise wait.
        DeferredEvaluator evaluator = new DeferredEvaluator(() -> EvaluatorFactory.create(session));
        ConnectionInfo info;
        try {
            info = ConnectionInfo.read(connectionFile);
        } catch (IOException e) {
            System.err.println("jbox: cannot read connection file " + connectionFile + ": " + e.getMessage());
            return 2;
        }
        Kernel kernel = Kernel.start(info, evaluator);
        Runtime.getRuntime().addShutdownHook(new Thread(kernel::stop, "jbox-exit"));
        FrontendWatch.fromEnvironment(System.getenv(), Kernel::exitFrontendGone).ifPresent(FrontendWatch::start);
        kernel.awaitShutdown();
        return 0;
    }
}
