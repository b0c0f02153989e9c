package dev.jbox.kernel;

import dev.jbox.kernel.eval.Evaluator;
import dev.jbox.kernel.eval.JShellEvaluator;
import dev.jbox.kernel.wire.ConnectionInfo;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar jbox.jar -f CONNECTION_FILE}: what Jupyter runs (see the installed kernel.json). */
@Command(name = "jbox kernel", mixinStandardHelpOptions = true, version = "jbox " + RequestHandlers.VERSION,
        description = "Runs the jbox Jupyter kernel on a connection file.")
public final class Main implements Callable<Integer> {

    @Option(names = {"-f", "--connection-file"}, paramLabel = "FILE", description = "Jupyter connection file")
    Path connectionFile;

    @Option(names = "--warmup", hidden = true, description = "run the start-up path once and exit (used by install to build a CDS archive)")
    boolean warmup;

    public static void main(String[] args) {
        configureLogging();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (warmup) {
            Warmup.run();
            return 0;
        }
        if (connectionFile == null) {
            System.err.println("jbox kernel: missing -f CONNECTION_FILE (Jupyter passes it; see `jbox install`)");
            return 2;
        }
        ConnectionInfo info = ConnectionInfo.read(connectionFile);
        Evaluator evaluator = createEvaluator();
        // SIGTERM (e.g. a frontend that gave up waiting) still ends the sandbox's process trees.
        Runtime.getRuntime().addShutdownHook(new Thread(evaluator::close, "jbox-close"));
        new Kernel(info, evaluator).run();
        return 0;
    }

    /** The one place that decides what evaluates cells. */
    static Evaluator createEvaluator() {
        return new JShellEvaluator(List.of());
    }

    /** Kernel logs go to the real stderr (never into a cell), level from JBOX_LOG (default WARNING). */
    private static void configureLogging() {
        Level level;
        try {
            String env = System.getenv("JBOX_LOG");
            level = env == null || env.isBlank() ? Level.WARNING : Level.parse(env.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            level = Level.WARNING;
        }
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) root.removeHandler(h);
        StreamHandler handler = new StreamHandler(new PrintStream(new FileOutputStream(FileDescriptor.err), true), new Formatter() {
            @Override
            public String format(LogRecord r) {
                String text = "[jbox " + r.getLevel() + " " + r.getLoggerName().replaceFirst(".*\\.", "") + "] " + formatMessage(r) + "\n";
                if (r.getThrown() != null) {
                    var sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    text += sw;
                }
                return text;
            }
        }) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(level);
        root.addHandler(handler);
        root.setLevel(level);
    }
}
