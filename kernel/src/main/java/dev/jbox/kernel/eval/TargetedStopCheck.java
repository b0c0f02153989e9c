package dev.jbox.kernel.eval;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The class JDK 22+ weaves stop checks against ({@code REPL.$Cancel$}), in a version that stops only the targeted
 * snippet thread. The JDK's own one stops every thread running notebook code, so interrupting one cell would kill
 * the background threads earlier cells started, which jbox keeps alive.
 */
final class TargetedStopCheck {

    /** The binary name the woven calls refer to. */
    static final String CLASS_NAME = "REPL.$Cancel$";

    private static final String SOURCE = """
            package REPL;

            public final class $Cancel$ {
                public static volatile boolean allStop;
                public static volatile Thread target;

                @SuppressWarnings("removal")
                public static void stopCheck() {
                    if (allStop && Thread.currentThread() == target) {
                        throw new ThreadDeath();
                    }
                }
            }
            """;

    private TargetedStopCheck() {
    }

    /** Bytecode of the targeted class for the running JDK, or {@code jdkVersion} when it cannot be compiled. */
    static byte[] replace(byte[] jdkVersion) {
        byte[] compiled = compile();
        if (compiled == null) {
            StdStreams.kernelErr().println("jbox: cannot compile the targeted stop check; an interrupt may also stop other cells' threads");
            return jdkVersion;
        }
        return compiled;
    }

    private static byte[] compile() {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            return null;
        }
        Map<String, ByteArrayOutputStream> classes = new ConcurrentHashMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
        JavaFileManager inMemory = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
                return ReplFileManager.outputInto(classes, className, kind);
            }
        };
        JavaFileObject source = new SimpleJavaFileObject(URI.create("string:///REPL/$Cancel$.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return SOURCE;
            }
        };
        boolean ok = javac.getTask(null, inMemory, diagnostic -> { }, List.of("-proc:none", "-Xlint:none", "-g:none"), null,
                List.of(source)).call();
        ByteArrayOutputStream bytes = classes.get(CLASS_NAME);
        return ok && bytes != null ? bytes.toByteArray() : null;
    }
}
