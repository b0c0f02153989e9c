package dev.jbox.kernel.eval;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

/**
 * The class path javac sees, plus the session's compiled classes in package {@code REPL}, served from memory: the
 * session compiler's own (see {@link SessionCompiler}) and, for the session compiler, JShell's. Two uses:
 * <ul>
 * <li>the session compiler lists only the classes a compilation needs ({@link #visible}), so that a compilation
 * costs what the cell mentions, not what the session holds;</li>
 * <li>JShell's file manager is this one (see {@code JShell.Builder.fileManager}), listing all of the session
 * compiler's classes, so that JShell snippets compile against declarations it did not make.</li>
 * </ul>
 * Compilations run one at a time (the evaluator's session lock), so {@link #visible} and the output map are plain
 * fields.
 */
final class ReplFileManager extends ForwardingJavaFileManager<StandardJavaFileManager> implements StandardJavaFileManager {

    static final String PACKAGE = "REPL";

    /** The session compiler's classes (binary name to class file), the ones JShell may also see. */
    private final Map<String, byte[]> sessionClasses;
    /** Class files of JShell's snippets, for compilations that refer to JShell's declarations. */
    private final Function<String, byte[]> jshellClasses;
    /** When set, package REPL lists exactly these (ours or JShell's); when null, all of {@link #sessionClasses}. */
    private Collection<String> visible;
    /** Class files written by the running compilation. */
    private final Map<String, ByteArrayOutputStream> output = new LinkedHashMap<>();

    ReplFileManager(StandardJavaFileManager standard, Map<String, byte[]> sessionClasses, Function<String, byte[]> jshellClasses) {
        super(standard);
        this.sessionClasses = sessionClasses;
        this.jshellClasses = jshellClasses;
    }

    /** Package REPL lists exactly {@code names} until {@link #showAll}. */
    void showOnly(Collection<String> names) {
        this.visible = names;
        output.clear();
    }

    void showAll() {
        this.visible = null;
    }

    /** The names of the class files the last compilation wrote. */
    Collection<String> outputNames() {
        return List.copyOf(output.keySet());
    }

    /** The class files the last compilation wrote, by binary name. */
    Map<String, byte[]> output() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        output.forEach((name, bytes) -> out.put(name, bytes.toByteArray()));
        return out;
    }

    @Override
    public Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds, boolean recurse)
            throws IOException {
        Iterable<JavaFileObject> standard = super.list(location, packageName, kinds, recurse);
        if (location != StandardLocation.CLASS_PATH || !packageName.equals(PACKAGE) || !kinds.contains(JavaFileObject.Kind.CLASS)) {
            return standard;
        }
        List<JavaFileObject> all = new ArrayList<>();
        standard.forEach(all::add);
        if (visible == null) {
            sessionClasses.forEach((name, bytes) -> all.add(new ClassFile(name, bytes)));
        } else {
            for (String name : visible) {
                byte[] bytes = sessionClasses.get(name);
                if (bytes == null) {
                    bytes = jshellClasses.apply(name);
                }
                if (bytes != null) {
                    all.add(new ClassFile(name, bytes));
                }
            }
        }
        return all;
    }

    @Override
    public String inferBinaryName(Location location, JavaFileObject file) {
        return file instanceof ClassFile c ? c.binaryName : super.inferBinaryName(location, file);
    }

    @Override
    public boolean isSameFile(FileObject a, FileObject b) {
        return a instanceof ClassFile || b instanceof ClassFile ? a == b : super.isSameFile(a, b);
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
        return outputInto(output, className, kind);
    }

    /** An output file of javac's whose bytes go to {@code into}, under the class's binary name. */
    static JavaFileObject outputInto(Map<String, ByteArrayOutputStream> into, String className, JavaFileObject.Kind kind) {
        return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
            @Override
            public OutputStream openOutputStream() {
                return into.computeIfAbsent(className, n -> new ByteArrayOutputStream());
            }
        };
    }

    /** A class file held in memory. */
    private static final class ClassFile extends SimpleJavaFileObject {

        final String binaryName;
        private final byte[] bytes;

        ClassFile(String binaryName, byte[] bytes) {
            super(URI.create("mem:///" + binaryName.replace('.', '/') + ".class"), Kind.CLASS);
            this.binaryName = binaryName;
            this.bytes = bytes;
        }

        @Override
        public InputStream openInputStream() {
            return new ByteArrayInputStream(bytes);
        }
    }

    // StandardJavaFileManager, by delegation (JShell requires one)

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromFiles(Iterable<? extends File> files) {
        return fileManager.getJavaFileObjectsFromFiles(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromPaths(Collection<? extends Path> paths) {
        return fileManager.getJavaFileObjectsFromPaths(paths);
    }

    @Override
    @SuppressWarnings("deprecation")
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromPaths(Iterable<? extends Path> paths) {
        return fileManager.getJavaFileObjectsFromPaths(paths);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(File... files) {
        return fileManager.getJavaFileObjects(files);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(Path... paths) {
        return fileManager.getJavaFileObjects(paths);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjectsFromStrings(Iterable<String> names) {
        return fileManager.getJavaFileObjectsFromStrings(names);
    }

    @Override
    public Iterable<? extends JavaFileObject> getJavaFileObjects(String... names) {
        return fileManager.getJavaFileObjects(names);
    }

    @Override
    public void setLocation(Location location, Iterable<? extends File> files) throws IOException {
        fileManager.setLocation(location, files);
    }

    @Override
    public void setLocationFromPaths(Location location, Collection<? extends Path> paths) throws IOException {
        fileManager.setLocationFromPaths(location, paths);
    }

    @Override
    public void setLocationForModule(Location location, String moduleName, Collection<? extends Path> paths) throws IOException {
        fileManager.setLocationForModule(location, moduleName, paths);
    }

    @Override
    public Iterable<? extends File> getLocation(Location location) {
        return fileManager.getLocation(location);
    }

    @Override
    public Iterable<? extends Path> getLocationAsPaths(Location location) {
        return fileManager.getLocationAsPaths(location);
    }

    @Override
    public Path asPath(FileObject file) {
        return fileManager.asPath(file);
    }

    @Override
    public void setPathFactory(PathFactory f) {
        fileManager.setPathFactory(f);
    }
}
