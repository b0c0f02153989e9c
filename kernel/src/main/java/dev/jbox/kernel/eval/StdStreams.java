package dev.jbox.kernel.eval;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Replaces {@code System.out}, {@code System.err} and {@code System.in} once per JVM with streams that route by
 * thread (see {@link CellStreamRouter}). The kernel logs through {@link #kernelErr()}, which is never captured.
 */
public final class StdStreams {

    private static PrintStream kernelOut;
    private static PrintStream kernelErr;

    private StdStreams() {
    }

    /** Installs the routing streams; later calls do nothing. */
    public static synchronized void install() {
        if (kernelErr != null) {
            return;
        }
        kernelOut = System.out;
        kernelErr = System.err;
        System.setOut(new PrintStream(new CellStreamRouter("stdout", kernelOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new CellStreamRouter("stderr", kernelErr), true, StandardCharsets.UTF_8));
        System.setIn(new CellInputStream());
    }

    /** The stdout the process had before {@link #install()}, for the kernel itself. */
    public static synchronized PrintStream kernelOut() {
        install();
        return kernelOut;
    }

    /** The stderr the process had before {@link #install()}, for the kernel's logs. */
    public static synchronized PrintStream kernelErr() {
        install();
        return kernelErr;
    }
}
