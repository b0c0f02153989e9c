package dev.jbox.kernel.eval;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;

/**
 * Loads the classes JShell compiles from cells. Its parent is the kernel's class loader, so notebook code sees
 * the kernel's classes (the display API, the sandbox client) as the very same classes the kernel uses.
 */
final class SnippetLoader implements LoaderDelegate {

    private final Loader loader;

    SnippetLoader(ClassLoader parent) {
        this.loader = new Loader(parent);
    }

    ClassLoader classLoader() {
        return loader;
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException {
        for (ClassBytecodes c : classes) {
            boolean stopCheck = c.name().equals(TargetedStopCheck.CLASS_NAME);
            loader.declare(c.name(), stopCheck ? TargetedStopCheck.replace(c.bytecodes()) : c.bytecodes());
        }
        // the session compiler's classes are defined below and never compiled against from here: drop the bytes then
        boolean[] installed = new boolean[classes.length];
        for (int i = 0; i < classes.length; i++) {
            try {
                loader.loadClass(classes[i].name());
                installed[i] = true;
                if (DirectPath.isOwnClass(classes[i].name())) {
                    loader.declared.remove(classes[i].name());
                }
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ClassInstallException("cannot load " + classes[i].name() + ": " + e, installed);
            }
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] classes) {
        for (ClassBytecodes c : classes) {
            loader.declare(c.name(), c.bytecodes());
        }
    }

    @Override
    public void addToClasspath(String path) throws InternalException {
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            try {
                loader.addEntry(Path.of(entry).toUri().toURL());
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new InternalException("bad class path entry " + entry + ": " + e.getMessage());
            }
        }
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        return loader.loadClass(name);
    }

    /** The class file JShell had loaded under {@code name} (the session compiler reads JShell's declarations from it). */
    byte[] bytecodes(String name) {
        return loader.declared.get(name);
    }

    /** JShell's classes in package REPL (not the session compiler's own, which it keeps itself). */
    List<String> jshellClassNames() {
        List<String> names = new ArrayList<>();
        for (String name : loader.declared.keySet()) {
            if (name.startsWith(ReplFileManager.PACKAGE + ".") && !DirectPath.isOwnClass(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static final class Loader extends URLClassLoader {

        static {
            registerAsParallelCapable();
        }

        private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

        Loader(ClassLoader parent) {
            super("jbox-cells", new URL[0], parent);
        }

        void declare(String name, byte[] bytes) {
            declared.put(name, bytes);
        }

        void addEntry(URL url) {
            addURL(url);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = declared.get(name);
            if (bytes == null) {
                return super.findClass(name);
            }
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
